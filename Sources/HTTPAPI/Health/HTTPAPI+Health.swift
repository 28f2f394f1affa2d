import Archive
import Hummingbird
import Logging
import NIOCore

extension HTTPAPI {
    /// Liveness says the process serves HTTP; readiness also asks the index a question, so a
    /// replica whose database is gone leaves the load balancer instead of failing requests.
    func addHealthRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            do {
                _ = try await archive.index.instance(sopInstanceUID: "1.2")
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ready\n")))
            } catch {
                logger.warning("not ready: index unreachable", metadata: ["error": "\(error)"])
                return Response(
                    status: .serviceUnavailable,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "index unreachable: \(error)\n")))
            }
        }
    }
}
