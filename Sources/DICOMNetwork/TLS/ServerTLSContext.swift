import NIOSSL
import Synchronization

/// The TLS context a listener hands to each new connection, replaced when the files on disk
/// change (`watch`). The first load happens before the listener binds, so that bad files
/// stop the server at start; later bad files keep the context in use.
final class ServerTLSContext: Sendable {
    let configuration: ServerTLSConfiguration
    private struct State {
        var context: NIOSSLContext
        var contents: [[UInt8]]
        /// The contents last refused, so that the same broken files are reported once.
        var refused: [[UInt8]]?
    }
    private let state: Mutex<State>

    private init(configuration: ServerTLSConfiguration, context: NIOSSLContext, contents: [[UInt8]]) {
        self.configuration = configuration
        self.state = Mutex(State(context: context, contents: contents))
    }

    static func load(_ configuration: ServerTLSConfiguration) async throws(TLSFileError) -> ServerTLSContext {
        let credentials = try await credentials(configuration)
        return ServerTLSContext(
            configuration: configuration, context: try credentials.serverContext(configuration),
            contents: credentials.contents)
    }

    /// For the connection being accepted.
    var current: NIOSSLContext { state.withLock { $0.context } }

    /// Checks the files every `reloadInterval` until the task is cancelled.
    func watch() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.reloadInterval)
            } catch {
                return
            }
            if let event = await reloadIfChanged() { configuration.onReload(event) }
        }
    }

    /// Reads the files; a new context when they changed and make a usable pair. Nil when
    /// nothing changed (or the same refused files are still there).
    func reloadIfChanged() async -> TLSReload? {
        let loaded: TLSCredentials
        do {
            loaded = try await Self.credentials(configuration)
        } catch {
            return refuse(error, contents: nil)
        }
        guard loaded.contents != state.withLock({ $0.contents }) else {
            state.withLock { $0.refused = nil }
            return nil
        }
        do {
            let context = try loaded.serverContext(configuration)
            state.withLock { $0 = State(context: context, contents: loaded.contents) }
            let leaf = loaded.leafDescription
            return .reloaded(subject: leaf.subject, serialNumber: leaf.serialNumber)
        } catch {
            return refuse(error, contents: loaded.contents)
        }
    }

    /// An unreadable file (mid-rotation, perhaps) has no contents to remember: reported each time.
    private func refuse(_ error: TLSFileError, contents: [[UInt8]]?) -> TLSReload? {
        let isNew = state.withLock { state in
            defer { state.refused = contents }
            return contents == nil || state.refused != contents
        }
        return isNew ? .failed(error) : nil
    }

    private static func credentials(_ configuration: ServerTLSConfiguration) async throws(TLSFileError)
        -> TLSCredentials
    {
        try await TLSCredentials.load(
            certificateChain: configuration.certificateChainFile, privateKey: configuration.privateKeyFile,
            trustRoots: configuration.trustRootsFile)
    }
}
