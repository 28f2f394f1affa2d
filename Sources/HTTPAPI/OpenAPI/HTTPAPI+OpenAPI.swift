import Hummingbird
import NIOCore

extension HTTPAPI {
    /// `GET /openapi.json`: what every route takes and answers (a test holds it to the router).
    func addOpenAPIRoute(to router: Router<Context>) {
        router.get("openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: OpenAPIDocument.json))
        }
    }
}
