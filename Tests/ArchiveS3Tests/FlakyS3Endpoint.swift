import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP server on loopback that plays a misbehaving S3: it answers each request with the
/// next scripted reply (503 SlowDown, 500, 403…) and, once the script is used up, with 200
/// and a fixed body. It counts the requests, so tests can tell what was retried.
final class FlakyS3Endpoint: Sendable {
    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var code: String

        static let slowDown = Reply(status: .serviceUnavailable, code: "SlowDown")
        static let internalError = Reply(status: .internalServerError, code: "InternalError")
        static let accessDenied = Reply(status: .forbidden, code: "AccessDenied")
    }

    let body: [UInt8]
    private let script: Mutex<[Reply]>
    private let counted = Mutex(0)

    init(script: [Reply], body: [UInt8] = Array("fine".utf8)) {
        self.script = Mutex(script)
        self.body = body
    }

    var requests: Int { counted.withLock { $0 } }

    /// Runs `body` with the server listening on a free port.
    func run<Result: Sendable>(_ body: (Int) async throws -> Result) async throws -> Result {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(endpoint: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            let result = try await body(channel.localAddress?.port ?? 0)
            try await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    func nextReply() -> Reply? {
        counted.withLock { $0 += 1 }
        return script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let endpoint: FlakyS3Endpoint
        var method = HTTPMethod.GET

        init(endpoint: FlakyS3Endpoint) { self.endpoint = endpoint }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): method = head.method
            case .body: break
            case .end:
                let reply = endpoint.nextReply()
                var body = ByteBuffer()
                var headers = HTTPHeaders()
                if let reply {
                    body.writeString(
                        "<Error><Code>\(reply.code)</Code><Message>scripted \(reply.code)</Message></Error>")
                } else {
                    body.writeBytes(endpoint.body)
                    headers.add(name: "etag", value: "\"0123\"")
                }
                headers.add(name: "content-length", value: String(body.readableBytes))
                let head = HTTPResponseHead(version: .http1_1, status: reply?.status ?? .ok, headers: headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                if method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
