import Hummingbird
import NIOCore
import Prometheus

extension HTTPAPI {
    /// `GET /metrics` in the Prometheus text format, when the process exports metrics (the
    /// registry is the one `apus serve` bootstrapped the metrics system with).
    func addMetricsRoute(to router: Router<Context>) {
        guard let registry = metricsRegistry else { return }
        router.get("metrics") { _, _ -> Response in
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
