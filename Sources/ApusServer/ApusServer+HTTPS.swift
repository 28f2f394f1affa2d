import DICOMNetwork
import HTTPAPI
import Hummingbird
import Logging
import ServiceLifecycle

extension ApusServer {
    /// The HTTPS listener and the watcher that reloads its certificate, when `httpsPort` is
    /// set. The files were checked at start (`checkTLSFiles`).
    func httpsServices(
        api: HTTPAPI, onListening: @escaping @Sendable (Int) -> Void
    ) async throws -> [ServiceGroupConfiguration.ServiceConfiguration]? {
        let logger = self.logger
        guard
            let tls = try configuration.httpsTLS(onReload: { event in
                switch event {
                case .reloaded(let subject, let serial):
                    logger.info(
                        "HTTPS certificate reloaded", metadata: ["subject": "\(subject)", "serial": "\(serial)"])
                case .failed(let error):
                    logger.warning(
                        "HTTPS certificate files unusable; keeping the current one", metadata: ["error": "\(error)"])
                }
            }), let port = configuration.httpsPort
        else { return nil }
        let context: ServerTLSContext
        do {
            context = try await ServerTLSContext.load(tls)
        } catch {
            throw ConfigurationError(
                setting: ServerConfiguration.settingName(of: error.file), problem: error.description)
        }
        let application = api.application(
            port: port, server: .https(context),
            onListening: { port in
                logger.info("HTTPS listening", metadata: ["port": "\(port)"])
                onListening(port)
            })
        return [.init(service: application), .init(service: CertificateWatcher(context: context))]
    }
}

/// Re-reads the certificate files for as long as the server runs.
struct CertificateWatcher: Service {
    let context: ServerTLSContext

    func run() async throws {
        await cancelWhenGracefulShutdown { await context.watch() }
    }
}
