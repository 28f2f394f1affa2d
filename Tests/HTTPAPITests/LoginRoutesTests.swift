import Archive
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import NIOCore
import Testing

/// The routes the web UI signs in with (`/auth/config`, `/auth/me`, `/auth/oidc/token`), the
/// UI's own files open without credentials, the cookie that carries credentials for links, and
/// the challenge that spares the page the browser's Basic dialog. The browser and a real
/// provider are in ApusServerTests' WebUILoginTests.
@Suite struct LoginRoutesTests {
    @Test func withoutAuthenticationEveryoneIsTheAnonymousAdministrator() async throws {
        try await withAPI(.none) { client in
            try await client.execute(uri: "/auth/config", method: .get) { response in
                let json = try Self.json(response)
                #expect(json["AuthenticationRequired"] as? Bool == false)
                #expect(json["OIDC"] is NSNull)
            }
            try await client.execute(uri: "/auth/me", method: .get) { response in
                let json = try Self.json(response)
                #expect(json["Name"] as? String == "anonymous" && json["Role"] as? String == "admin")
            }
        }
    }

    @Test func basicUsersSignInThroughTheUIsRoutes() async throws {
        let users = try AuthenticationTests.users(["reader": ("r-pass", "read"), "boss": ("b-pass", "admin")])
        try await withAPI(Authentication.required(users: users, oidc: nil)) { client in
            // The page itself and its way in are open; everything else is not.
            for path in ["/ui/", "/ui/js/app.js", "/app/explorer.html", "/auth/config"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .ok, "\(path)") }
            }
            try await client.execute(uri: "/auth/config", method: .get) { response in
                let json = try Self.json(response)
                #expect(json["AuthenticationRequired"] as? Bool == true && json["Basic"] as? Bool == true)
                #expect(json["OIDC"] is NSNull)
            }
            try await client.execute(uri: "/auth/me", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            }
            // The page's own requests get no Basic challenge: no browser login dialog over the form.
            try await client.execute(
                uri: "/auth/me", method: .get, headers: [.init("X-Requested-With")!: "XMLHttpRequest"]
            ) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.contains("Basic") == false)
            }
            try await client.execute(
                uri: "/auth/me", method: .get, headers: AuthenticationTests.basic("reader", "r-pass")
            ) { response in
                let json = try Self.json(response)
                #expect(json["Name"] as? String == "reader" && json["Role"] as? String == "read")
                #expect(json["Method"] as? String == "basic")
            }
            // The cookie counts for reading (links), never for a request that changes something.
            let cookie = Self.cookie(AuthenticationTests.basic("boss", "b-pass")[.authorization] ?? "")
            try await client.execute(uri: "/statistics", method: .get, headers: [.cookie: cookie]) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/studies/x", method: .delete, headers: [.cookie: cookie]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(
                uri: "/statistics", method: .get, headers: [.cookie: Self.cookie("Basic bm9ib2R5Om5vcGU=")]
            ) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func anAuthorizationCodeIsTradedForACheckedToken() async throws {
        let key = ES256PrivateKey()
        let signer = await JWTKeyCollection().add(ecdsa: key, kid: "k1")
        let oidc = try await OIDCVerifier(
            issuer: AuthenticationTests.issuer, audience: AuthenticationTests.audience,
            jwks: AuthenticationTests.jwks(key.publicKey, kid: "k1"))
        let token = try await signer.sign(NonceClaims(nonce: "n-1", roles: ["apus-write"]))
        // The provider's side of the exchange: one code, one verifier, one redirect address.
        let login = OIDCLogin(
            authorizationEndpoint: "https://idp.example.org/authorize", clientID: AuthenticationTests.audience,
            scope: "openid profile"
        ) { code, verifier, redirectURI in
            guard code == "good-code", verifier == "v" * 43, redirectURI == "https://apus.example.org/ui/" else {
                throw ProviderRefusal()
            }
            return token
        }
        try await withAPI(Authentication.required(users: nil, oidc: oidc, login: login)) { client in
            try await client.execute(uri: "/auth/config", method: .get) { response in
                let json = try Self.json(response)
                let provider = json["OIDC"] as? [String: Any]
                #expect(provider?["AuthorizationEndpoint"] as? String == "https://idp.example.org/authorize")
                #expect(provider?["ClientID"] as? String == AuthenticationTests.audience)
                #expect(json["Basic"] as? Bool == false)
            }
            func exchange(_ body: String, _ check: @escaping @Sendable (TestResponse) throws -> Void) async throws {
                try await client.execute(
                    uri: "/auth/oidc/token", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: body), testCallback: check)
            }
            try await exchange(#"{"code": "good-code"}"#) { #expect($0.status == .badRequest) }
            let verifier = "v" * 43
            try await exchange(
                #"{"code": "stolen", "codeVerifier": "\#(verifier)", "redirectUri": "https://apus.example.org/ui/"}"#
            ) { #expect($0.status == .unauthorized) }
            try await exchange(
                #"{"code": "good-code", "codeVerifier": "\#(verifier)", "redirectUri": "https://apus.example.org/ui/", "nonce": "other"}"#
            ) { #expect($0.status == .unauthorized) }
            try await exchange(
                #"{"code": "good-code", "codeVerifier": "\#(verifier)", "redirectUri": "https://apus.example.org/ui/", "nonce": "n-1"}"#
            ) { response in
                let json = try Self.json(response)
                #expect(json["Token"] as? String == token && json["Role"] as? String == "write")
            }
            try await client.execute(uri: "/auth/me", method: .get, headers: AuthenticationTests.bearer(token)) {
                response in
                let method = try Self.json(response)["Method"] as? String
                #expect(method == "bearer")
            }
        }
    }

    @Test func withoutAProviderTheExchangeIsNotFound() async throws {
        let users = try AuthenticationTests.users(["reader": ("r-pass", "read")])
        try await withAPI(Authentication.required(users: users, oidc: nil)) { client in
            try await client.execute(
                uri: "/auth/oidc/token", method: .post, body: ByteBuffer(string: #"{"code": "x"}"#)
            ) { #expect($0.status == .notFound) }
        }
    }

    // MARK: Support

    struct ProviderRefusal: Error {}

    struct NonceClaims: JWTPayload {
        var iss = IssuerClaim(value: AuthenticationTests.issuer)
        var sub = SubjectClaim(value: "alice")
        var aud = AudienceClaim(value: [AuthenticationTests.audience])
        var exp = ExpirationClaim(value: Date() + 300)
        var nonce: String
        var roles: [String]

        func verify(using algorithm: some JWTAlgorithm) throws {}
    }

    private func withAPI(
        _ authentication: Authentication, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withTemporaryArchive { archive in
            let api = HTTPAPI(archive: archive, logger: Logger(label: "test"), authentication: authentication)
            try await Application(router: api.router()).test(.router) { client in try await body(client) }
        }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        #expect(response.status == .ok)
        return try #require(JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    /// The cookie as the page sets it: the `Authorization` value, percent-encoded.
    static func cookie(_ authorization: String) -> String {
        "apus_authorization=" + (authorization.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }
}

private func * (text: String, count: Int) -> String { String(repeating: text, count: count) }
