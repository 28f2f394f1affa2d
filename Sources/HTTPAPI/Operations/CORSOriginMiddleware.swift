import Hummingbird
import NIOCore

/// CORS for the configured origins through Hummingbird's `CORSMiddleware`, which answers
/// preflight `OPTIONS` requests itself (before authentication: browsers send them without
/// credentials). A request from an origin not in the list passes without CORS headers, so
/// the browser keeps the answer from the page.
struct CORSOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: CORSPolicy
    let cors: CORSMiddleware<Context>

    /// What DICOMweb viewers read from answers: paging and warnings (QIDO-RS), where a stored
    /// instance is (STOW-RS), and the size and validators of what they download.
    static var exposedHeaders: [String] {
        [
            "Content-Type", "Content-Length", "Content-Location", "Content-Encoding", "Location", "Warning", "ETag",
            "Link",
        ]
    }

    init(policy: CORSPolicy) {
        self.policy = policy
        cors = CORSMiddleware(
            allowOrigin: policy.allowsAnyOrigin ? .all : .originBased,
            allowHeaders: [
                .accept, .acceptEncoding, .authorization, .contentType, .origin, .ifNoneMatch, .cacheControl,
                .lastEventID,
            ],
            allowMethods: [.get, .head, .post, .put, .delete, .options],
            exposedHeaders: Self.exposedHeaders,
            maxAge: .seconds(policy.maximumAge.components.seconds))
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin], policy.allowsAnyOrigin || policy.allowedOrigins.contains(origin)
        else {
            return try await next(request, context)
        }
        var response = try await cors.handle(request, context: context, next: next)
        // Hummingbird's middleware lists them in preflight answers only; browsers read them here.
        if request.method != .options {
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders.joined(separator: ", ")
        }
        return response
    }
}
