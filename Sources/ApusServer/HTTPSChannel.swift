import DICOMNetwork
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// HTTP over TLS with the certificate of the moment: each connection takes the context the
/// watcher last loaded, so a certificate cert-manager renews is served without a restart
/// (Hummingbird's own TLS channel keeps the context it started with).
struct HTTPSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let tls: ServerTLSContext

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.current))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS with a reloading certificate.
    static func https(_ tls: ServerTLSContext) -> HTTPServerBuilder {
        .init { responder in
            HTTPSChannel(base: HTTP1Channel(responder: responder), tls: tls)
        }
    }
}
