public import Archive
public import Hummingbird
public import HummingbirdCore
public import Logging
import NIOCore
public import Prometheus

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The HTTP side of Apus: DICOMweb under `/dicom-web`, the REST API, health and metrics, all
/// over one `Archive`. Each group of routes lives in its own file as an extension that
/// `router()` calls, so the route table is read in one place.
public struct HTTPAPI: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var host: String
        public var port: Int
        /// What the server calls itself in `Server` headers and logs.
        public var serverName: String
        /// What `/system` reports.
        public var system: SystemDescription
        /// A STOW-RS part (one instance) may not be larger; each is held whole while stored.
        public var maximumInstanceSize: Int
        /// How often a change stream (`/changes/stream`) asks the index for new changes.
        public var changePollInterval: Duration = .milliseconds(500)
        /// Browser pages on other origins allowed to call the API.
        public var cors = CORSPolicy()
        /// Request size and time limits (413, 408).
        public var limits = RequestLimits()
        /// A ZIP upload (`POST /tools/import-zip`) may not be larger; it is spooled to a file.
        public var maximumZIPUploadSize: Int
        /// Nor hold more files, nor inflate to more bytes in all (what defuses zip bombs).
        public var maximumZIPEntries: Int
        public var maximumZIPInflatedSize: Int
        /// Where uploads are spooled (unlinked at once, so nothing is left behind).
        public var temporaryDirectory: String

        public init(
            host: String = "0.0.0.0", port: Int = 8042, serverName: String = "Apus", maximumInstanceSize: Int = 1 << 30,
            system: SystemDescription = SystemDescription(), maximumZIPUploadSize: Int = 4 << 30,
            maximumZIPEntries: Int = 100_000, maximumZIPInflatedSize: Int = 64 << 30,
            temporaryDirectory: String = HTTPAPI.Configuration.defaultTemporaryDirectory
        ) {
            self.host = host
            self.port = port
            self.serverName = serverName
            self.system = system
            self.maximumInstanceSize = maximumInstanceSize
            self.maximumZIPUploadSize = maximumZIPUploadSize
            self.maximumZIPEntries = maximumZIPEntries
            self.maximumZIPInflatedSize = maximumZIPInflatedSize
            self.temporaryDirectory = temporaryDirectory
        }

        /// `TMPDIR`, else `/tmp`.
        public static var defaultTemporaryDirectory: String {
            guard let value = getenv("TMPDIR") else { return "/tmp" }
            let path = String(cString: value)
            return path.isEmpty ? "/tmp" : path
        }
    }

    /// The facts about this server that `/system` reports and the HTTP side can't know itself.
    public struct SystemDescription: Sendable, Hashable {
        public var name: String
        public var version: String
        public var aeTitle: String
        public var dicomPort: Int
        public var databaseBackend: String
        public var storageBackend: String

        public init(
            name: String = "Apus", version: String = "0.1.0", aeTitle: String = "APUS", dicomPort: Int = 4242,
            databaseBackend: String = "SQLite", storageBackend: String = "files"
        ) {
            self.name = name
            self.version = version
            self.aeTitle = aeTitle
            self.dicomPort = dicomPort
            self.databaseBackend = databaseBackend
            self.storageBackend = storageBackend
        }
    }

    public typealias Context = BasicRequestContext

    public let archive: Archive
    public let configuration: Configuration
    public let logger: Logger
    /// Where `/metrics` reads from; nil when the process exports no metrics (tests).
    public let metricsRegistry: PrometheusCollectorRegistry?
    public let authentication: Authentication
    /// One line per request: who did what to which resource, and how it ended.
    public let audit: Logger
    /// The DICOM peers `/modalities` reaches; none when nil.
    public var modalities: (any DICOMPeerService)?
    /// Set when the server listens: what absolute URLs name when a client's Host header has no port.
    let listeningPort = ListeningPort()

    public init(
        archive: Archive, configuration: Configuration = Configuration(), logger: Logger,
        metricsRegistry: PrometheusCollectorRegistry? = nil, authentication: Authentication = .none,
        audit: Logger = Logger(label: "apus.audit")
    ) {
        self.audit = audit
        self.archive = archive
        self.configuration = configuration
        self.logger = logger
        self.metricsRegistry = metricsRegistry
        self.authentication = authentication
    }

    /// Every route Apus answers over HTTP.
    public func router() -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: RequestMetricsMiddleware())
        if configuration.cors.isEnabled { router.add(middleware: CORSOriginMiddleware(policy: configuration.cors)) }
        router.add(middleware: CompressionMiddleware())
        router.add(middleware: RequestLimitsMiddleware(limits: configuration.limits))
        router.add(
            middleware: AuthenticationMiddleware(
                authentication: authentication, audit: audit, logger: logger))
        addHealthRoutes(to: router)
        addMetricsRoute(to: router)
        addSystemRoutes(to: router)
        addLoginRoutes(to: router)
        addRESTRoutes(to: router)
        addChangeRoutes(to: router)
        addModalityRoutes(to: router)
        addOpenAPIRoute(to: router)
        addStoreRoutes(to: router.group("dicom-web"))
        addDICOMwebRoutes(to: router)
        addZIPRoutes(to: router)
        addWebUIRoutes(to: router)
        return router
    }

    /// The HTTP server as a lifecycle service; `onListening` gets the bound port (useful when
    /// the configured one is 0).
    public func application(
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            server: .http1(
                configuration: HTTP1Channel.Configuration(
                    idleTimeout: configuration.limits.idleTimeout.map { TimeAmount($0) })),
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

    /// The same routes on another port through another server (HTTPS): the absolute URLs it
    /// answers with name the port the client used, from its Host header.
    public func application(
        port: Int, server: HTTPServerBuilder, onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: port), serverName: configuration.serverName),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
