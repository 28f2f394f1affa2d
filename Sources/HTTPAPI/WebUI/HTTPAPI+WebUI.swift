import Foundation
import Hummingbird
import NIOCore

extension HTTPAPI {
    /// The browser UI under `/ui/`; `/` and Orthanc Explorer's address (`/app/explorer.html`,
    /// which Korthweb's probes and guide open) lead to it. The page's files are revalidated on
    /// each load (`no-cache` with an ETag), so a new release is picked up at once and an
    /// unchanged file costs a 304.
    func addWebUIRoutes(to router: Router<Context>) {
        router.get("/") { _, _ in Response.redirect(to: "/ui/", type: .found) }
        // The router matches `/ui` and `/ui/` alike; relative links need the slash.
        router.get("ui") { request, _ in
            request.uri.path.hasSuffix("/")
                ? Self.webAsset("index.html", request: request) : Response.redirect(to: "/ui/", type: .found)
        }
        router.get("ui/**") { request, context in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            return Self.webAsset(path.isEmpty ? "index.html" : path, request: request)
        }
        // index.html sets <base href="/ui/">, so the page works from this address too.
        router.get("app/explorer.html") { request, _ in Self.webAsset("index.html", request: request) }
    }

    static func webAsset(_ path: String, request: Request) -> Response {
        guard let asset = WebAssets.shared.asset(at: path) else {
            return Response(
                status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "no such file in the web UI: \(path)\n")))
        }
        var headers: HTTPFields = [.eTag: asset.etag, .cacheControl: "no-cache"]
        if let tags = request.headers[.ifNoneMatch],
            tags.split(separator: ",").contains(where: { tag in
                let tag = tag.trimmingCharacters(in: .whitespaces)
                return tag == asset.etag || tag == "W/" + asset.etag || tag == "*"
            })
        {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.bytes))
    }
}
