import Dispatch
import Hummingbird
import Metrics

/// Counts requests by route template and status, and times them until the body is written,
/// under the names the Grafana dashboard in deploy/ reads. Routes are the templates the
/// router matched (`/dicom-web/studies/{study}`), never raw paths, so the label set stays small.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let method = request.method.rawValue
        do {
            var response = try await next(request, context)
            let status = response.status.code
            let route = context.endpointPath ?? "unmatched"
            let body = response.body
            // Recorded once the body is written: a streamed study retrieval counts its transfer.
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                defer { Self.record(route: route, method: method, status: status, since: start) }
                try await body.write(writer)
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            Self.record(route: context.endpointPath ?? "unmatched", method: method, status: status, since: start)
            throw error
        }
    }

    private static func record(route: String, method: String, status: Int, since start: UInt64) {
        Counter(
            label: "apus_http_requests_total",
            dimensions: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        Timer(label: "apus_http_request_duration_seconds", dimensions: [("route", route), ("method", method)])
            .recordNanoseconds(Int64(clamping: DispatchTime.now().uptimeNanoseconds &- start))
        if status >= 500 {
            Counter(label: "apus_errors_total", dimensions: [("source", "http")]).increment()
        }
    }
}
