import Foundation
import Hummingbird
import Logging
import NIOCore

/// Checks credentials and role before a request reaches its route, and writes the audit log:
/// one line per request with the user, what they did and how it ended (hospitals must keep
/// who read, stored or deleted which study). Passwords and tokens never reach a log line.
///
/// Probes and metrics stay open: kubelet and Prometheus carry no credentials, and those
/// endpoints reveal nothing about patients. So do the web UI's files and its sign-in routes:
/// the page must load to show its login form, and holds no data of its own.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let authentication: Authentication
    let audit: Logger
    let logger: Logger

    static var openPaths: Set<String> {
        ["/healthz", "/readyz", "/metrics", "/", "/ui", "/app/explorer.html", "/auth/config", "/auth/oidc/token"]
    }

    /// The cookie the web UI keeps its `Authorization` value in, for what a page can only ask
    /// for with a link (ZIP downloads). It counts for safe methods alone, so that another site
    /// can't make a browser store or delete through it (and it is `SameSite=Strict` as well).
    static var cookieName: String { "apus_authorization" }

    static func isOpen(_ path: String) -> Bool {
        openPaths.contains(path) || path.hasPrefix("/ui/")
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if Self.isOpen(path) { return try await next(request, context) }
        let principal: Principal
        if authentication.required {
            switch await identify(request) {
            case .success(let identified): principal = identified
            case .failure(let refusal):
                record(request, user: refusal.user ?? "-", status: .unauthorized, detail: refusal.reason)
                let script = request.headers[.init("X-Requested-With") ?? .via]?.lowercased() == "xmlhttprequest"
                return refused(
                    .unauthorized, "authentication required", challenge: authentication.challenge(forScript: script))
            }
        } else {
            principal = Principal(name: "anonymous", role: .admin, method: .none)
        }
        let needed = Role.required(method: request.method, path: path)
        guard principal.role >= needed else {
            record(request, user: principal.name, status: .forbidden, detail: "needs \(needed), has \(principal.role)")
            return refused(
                .forbidden, "\(principal.name) may not \(request.method) \(path): this needs the \(needed) role")
        }
        do {
            let response = try await Principal.$current.withValue(principal) { try await next(request, context) }
            record(request, user: principal.name, status: response.status, detail: nil)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(request, user: principal.name, status: status, detail: nil)
            throw error
        }
    }

    struct Refusal: Error {
        var user: String?
        var reason: String
    }

    private func identify(_ request: Request) async -> Result<Principal, Refusal> {
        guard let header = request.headers[.authorization] ?? cookieCredentials(request) else {
            return .failure(Refusal(reason: "no credentials"))
        }
        if let encoded = Self.credentials(header, scheme: "Basic") {
            guard let users = authentication.users else { return .failure(Refusal(reason: "Basic not enabled")) }
            guard let decoded = Data(base64Encoded: encoded).map({ String(decoding: $0, as: UTF8.self) }),
                let colon = decoded.firstIndex(of: ":")
            else { return .failure(Refusal(reason: "malformed Basic credentials")) }
            let name = String(decoded[..<colon])
            let password = String(decoded[decoded.index(after: colon)...])
            guard let role = await users.authenticate(username: name, password: password) else {
                return .failure(Refusal(user: name, reason: "wrong user or password"))
            }
            return .success(Principal(name: name, role: role, method: .basic))
        }
        if let token = Self.credentials(header, scheme: "Bearer") {
            guard let oidc = authentication.oidc else { return .failure(Refusal(reason: "bearer tokens not enabled")) }
            do {
                return .success(try await oidc.verify(token))
            } catch {
                return .failure(Refusal(reason: "bearer token refused: \(error)"))
            }
        }
        return .failure(Refusal(reason: "unsupported authorization scheme"))
    }

    /// The `Authorization` value the web UI left in its cookie, for GET and HEAD only.
    private func cookieCredentials(_ request: Request) -> String? {
        guard request.method == .get || request.method == .head,
            let cookie = request.cookies[Self.cookieName]
        else { return nil }
        return cookie.value.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The credentials after `scheme` (case-insensitive, RFC 9110 11.1), nil for another scheme.
    static func credentials(_ header: String, scheme: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == scheme.lowercased() else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    private func refused(_ status: HTTPResponse.Status, _ reason: String, challenge: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        if let challenge { headers[.wwwAuthenticate] = challenge }
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: reason + "\n")))
    }

    private func record(_ request: Request, user: String, status: HTTPResponse.Status, detail: String?) {
        var metadata: Logger.Metadata = [
            "user": "\(user)", "method": "\(request.method)", "path": "\(request.uri.path)",
            "status": "\(status.code)",
        ]
        if let forwarded = request.headers[.init("X-Forwarded-For") ?? .via] { metadata["client"] = "\(forwarded)" }
        if let detail { metadata["detail"] = "\(detail)" }
        audit.info("http access", metadata: metadata)
    }
}
