public import Archive
public import Hummingbird
public import Logging
import NIOCore

/// The HTTP side of Apus: DICOMweb under `/dicom-web`, the REST API, health and metrics, all
/// over one `Archive`. Each group of routes lives in its own file as an extension that
/// `router()` calls, so the route table is read in one place.
public struct HTTPAPI: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var host: String
        public var port: Int
        /// What the server calls itself in `Server` headers and logs.
        public var serverName: String

        public init(host: String = "0.0.0.0", port: Int = 8042, serverName: String = "Apus") {
            self.host = host
            self.port = port
            self.serverName = serverName
        }
    }

    public typealias Context = BasicRequestContext

    public let archive: Archive
    public let configuration: Configuration
    public let logger: Logger
    /// Set when the server listens: what absolute URLs name when a client's Host header has no port.
    let listeningPort = ListeningPort()

    public init(archive: Archive, configuration: Configuration = Configuration(), logger: Logger) {
        self.archive = archive
        self.configuration = configuration
        self.logger = logger
    }

    /// Every route Apus answers over HTTP.
    public func router() -> Router<Context> {
        let router = Router(context: Context.self)
        addHealthRoutes(to: router)
        addDICOMwebRoutes(to: router)
        return router
    }

    /// The HTTP server as a lifecycle service; `onListening` gets the bound port (useful when
    /// the configured one is 0).
    public func application(
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: configuration.serverName),
            onServerRunning: { [listeningPort] channel in
                let port = channel.localAddress?.port ?? configuration.port
                listeningPort.record(port)
                onListening(port)
            },
            logger: logger)
    }
}
