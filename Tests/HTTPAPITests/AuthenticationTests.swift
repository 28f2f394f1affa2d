import Archive
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import JWTKit
import Logging
import NIOCore
import Testing

/// HTTP Basic users and OIDC bearer tokens, role checks, and the audit log, over the real
/// router (HummingbirdTesting): what a deployment with APUS_AUTHENTICATION=required serves.
@Suite struct AuthenticationTests {
    static let issuer = "https://idp.example.org/realms/hospital"
    static let audience = "apus"

    @Test func basicUsersGetTheirRoleAndNothingMore() async throws {
        let users = try Self.users(["reader": ("s3cret-r", "read"), "writer": ("s3cret-w", "write")])
        try await withAPI(Authentication.required(users: users, oidc: nil)) { client, logs in
            try await client.execute(uri: "/statistics", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=\"Apus\"") == true)
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status != .unauthorized) }
            try await client.execute(uri: "/statistics", method: .get, headers: Self.basic("reader", "wrong")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/statistics", method: .get, headers: Self.basic("nobody", "s3cret-r")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/statistics", method: .get, headers: Self.basic("reader", "s3cret-r")) {
                #expect($0.status == .ok)
            }
            // A reader may search but not store: STOW is a POST.
            try await client.execute(
                uri: "/dicom-web/studies", method: .post, headers: Self.basic("reader", "s3cret-r")
            ) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("write role"))
            }
            try await client.execute(
                uri: "/dicom-web/studies", method: .post, headers: Self.basic("writer", "s3cret-w")
            ) { #expect($0.status != .forbidden && $0.status != .unauthorized) }
            try await client.execute(
                uri: "/studies/x", method: .delete, headers: Self.basic("writer", "s3cret-w")
            ) { #expect($0.status == .forbidden) }
            // Checked credentials are cached; the cache must not let a wrong password through.
            try await client.execute(uri: "/statistics", method: .get, headers: Self.basic("reader", "s3cret-w")) {
                #expect($0.status == .unauthorized)
            }
            let lines = logs.lines
            #expect(lines.contains { $0.contains("user=reader") && $0.contains("status=403") })
            #expect(!lines.contains { $0.contains("s3cret") }, "a password reached the log")
        }
    }

    @Test func bearerTokensAreCheckedAgainstTheIssuersKeys() async throws {
        let signingKey = ES256PrivateKey()
        let otherKey = ES256PrivateKey()
        let signer = await JWTKeyCollection().add(ecdsa: signingKey, kid: "k1")
        let forger = await JWTKeyCollection().add(ecdsa: otherKey, kid: "k1")
        let oidc = try await OIDCVerifier(
            issuer: Self.issuer, audience: Self.audience, jwks: Self.jwks(signingKey.publicKey, kid: "k1"))
        let now = Date()
        let reader = try await signer.sign(TestClaims(roles: ["apus-read"], expires: now + 300))
        let writer = try await signer.sign(TestClaims(roles: ["apus-read", "apus-write"], expires: now + 300))
        let expired = try await signer.sign(TestClaims(roles: ["apus-admin"], expires: now - 60))
        let forged = try await forger.sign(TestClaims(roles: ["apus-admin"], expires: now + 300))
        let otherAudience = try await signer.sign(
            TestClaims(roles: ["apus-admin"], expires: now + 300, audience: "pacs"))
        let otherIssuer = try await signer.sign(
            TestClaims(roles: ["apus-admin"], expires: now + 300, issuer: "https://evil.example.org"))
        let noRole = try await signer.sign(TestClaims(roles: ["nurse"], expires: now + 300))

        try await withAPI(Authentication.required(users: nil, oidc: oidc)) { client, logs in
            try await client.execute(uri: "/statistics", method: .get, headers: Self.bearer(reader)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/dicom-web/studies", method: .post, headers: Self.bearer(reader)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/dicom-web/studies", method: .post, headers: Self.bearer(writer)) {
                #expect($0.status != .forbidden && $0.status != .unauthorized)
            }
            for token in [expired, forged, otherAudience, otherIssuer, noRole, "not.a.jwt", ""] {
                try await client.execute(uri: "/statistics", method: .get, headers: Self.bearer(token)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate]?.contains("Bearer") == true)
                }
            }
            // Basic is not enabled when only OIDC is configured.
            try await client.execute(uri: "/statistics", method: .get, headers: Self.basic("a", "b")) {
                #expect($0.status == .unauthorized)
            }
            #expect(!logs.lines.contains { $0.contains(reader) || $0.contains(forged) }, "a token reached the log")
        }
    }

    @Test func requiredAuthenticationWithoutAnyWayToLogInIsRefused() throws {
        #expect(throws: AuthenticationSetupError.self) { try Authentication.required(users: nil, oidc: nil) }
    }

    @Test func usersFileRefusesPlainPasswordsAndUnknownRoles() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("users-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"users": [{"username": "a", "password": "plain", "role": "read"}]}"#.write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: AuthenticationSetupError.self) { try UserDirectory(loadingFile: path) }
        let hash = UserDirectory.hash(password: "x", cost: 4)
        try #"{"users": [{"username": "a", "password": "\#(hash)", "role": "superuser"}]}"#.write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: AuthenticationSetupError.self) { try UserDirectory(loadingFile: path) }
    }

    // MARK: Support

    private func withAPI(
        _ authentication: Authentication,
        _ body: @escaping @Sendable (any TestClientProtocol, LogLines) async throws -> Void
    ) async throws {
        try await withTemporaryArchive { archive in
            let logs = LogLines()
            let api = HTTPAPI(
                archive: archive, logger: Logger(label: "test"), authentication: authentication,
                audit: Logger(label: "audit") { _ in logs.handler })
            try await Application(router: api.router()).test(.router) { client in try await body(client, logs) }
        }
    }

    static func users(_ entries: [String: (String, String)]) throws -> UserDirectory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("users-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let users = entries.map { name, entry in
            ["username": name, "password": UserDirectory.hash(password: entry.0, cost: 4), "role": entry.1]
        }
        let data = try JSONSerialization.data(withJSONObject: ["users": users])
        try data.write(to: URL(fileURLWithPath: path))
        return try UserDirectory(loadingFile: path)
    }

    static func jwks(_ key: ES256PublicKey, kid: String) -> String {
        let parameters = key.parameters!
        return
            #"{"keys": [{"kty": "EC", "crv": "P-256", "alg": "ES256", "kid": "\#(kid)", "x": "\#(parameters.x)", "y": "\#(parameters.y)"}]}"#
    }

    static func basic(_ user: String, _ password: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
}

struct TestClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var roles: [String]

    init(
        roles: [String], expires: Date, audience: String = AuthenticationTests.audience,
        issuer: String = AuthenticationTests.issuer
    ) {
        self.iss = IssuerClaim(value: issuer)
        self.sub = SubjectClaim(value: "user-1")
        self.aud = AudienceClaim(value: [audience])
        self.exp = ExpirationClaim(value: expires)
        self.roles = roles
    }

    func verify(using algorithm: some JWTAlgorithm) throws {}
}

/// Every line logged through it, for checking what reached the log.
struct LogLines: Sendable {
    let handler = InMemoryLogHandler()

    var lines: [String] {
        handler.entries.map { entry in
            let text = entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return "\(entry.message) " + text.joined(separator: " ")
        }
    }
}
