import Foundation
import Testing

/// Issue 8's login: the web UI against `apus serve` with `APUS_AUTHENTICATION=required`, users
/// of a users file (HTTP Basic) and a real OpenID Connect provider (oidc-provider-mock, from
/// PyPI), in headless Chromium driven by Selenium (Peers/webui_login_browser.py): the login
/// form, a refused password, what each role sees, a ZIP link and a delete signed in, the
/// authorization code flow with PKCE through the provider's own form. Screenshots go to
/// .build/artifacts/webui.
@Suite("Web UI sign-in in a real browser")
struct WebUILoginTests {
    @Test func basicUsersAndOpenIDConnect() async throws {
        let directory = try TemporaryDirectory()
        let fixtures = try await WebUIBrowserTests.makeFixtures(in: directory)
        let usersFile = directory.path + "/users.json"
        try await Self.writeUsers(
            [("reader", "read-secret", "read"), ("boss", "admin-secret", "admin")], to: usersFile)

        // The provider: alice gets the apus-write role in her tokens; nonces are required.
        let oidcPort = try FreePort.find()
        let alice = #"{"sub": "alice", "preferred_username": "alice", "roles": ["apus-write"]}"#
        let provider = try Tools.start(
            "/usr/bin/env",
            [
                "python3", "-m", "oidc_provider_mock", "--port", String(oidcPort), "--require-nonce", "true",
                "--user-claims", alice,
            ])
        defer { Tools.stop(provider) }
        let issuer = "http://127.0.0.1:\(oidcPort)"
        let ready = try await Tools.runDetached(
            "/usr/bin/curl",
            [
                "-sf", "--retry", "40", "--retry-connrefused", "--retry-delay", "1",
                issuer + "/.well-known/openid-configuration",
            ])
        try #require(
            ready.status == 0,
            "oidc-provider-mock did not start (./scripts/test installs it from PyPI): \(ready.output)")

        let server = try ServerProcess(
            dataDirectory: directory.path + "/data",
            environment: [
                "APUS_AUTHENTICATION": "required", "APUS_USERS_FILE": usersFile, "APUS_HTTP_HOST": "127.0.0.1",
                "APUS_OIDC_ISSUER": issuer, "APUS_OIDC_AUDIENCE": "apus-ui",
                // The provider takes any secret, but wants one: a confidential client.
                "APUS_OIDC_CLIENT_SECRET": "apus-ui-secret",
            ])
        defer { server.terminate() }
        let ports = try await server.waitForPorts()
        server.discardOutput()
        try await WebUIBrowserTests.store(fixtures, dicomPort: ports.dicom)
        try await WebUIBrowserTests.runBrowser(
            "webui_login_browser.py", ["http://127.0.0.1:\(ports.http)", issuer, WebUIBrowserTests.artifacts],
            minimum: 18)
    }

    /// A users file as operators write it: bcrypt hashes from `apus hash-password`.
    static func writeUsers(_ users: [(name: String, password: String, role: String)], to path: String) async throws {
        let apus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/apus").path
        var entries: [[String: String]] = []
        for user in users {
            let hashed = try await Tools.runDetached(
                "/bin/sh", ["-c", "printf '%s\\n' \"$0\" | \"$1\" hash-password --cost 10", user.password, apus])
            let hash = hashed.output.trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(hashed.status == 0 && hash.hasPrefix("$2"), "apus hash-password: \(hashed.output)")
            entries.append(["username": user.name, "password": hash, "role": user.role])
        }
        let data = try JSONSerialization.data(withJSONObject: ["users": entries])
        try data.write(to: URL(fileURLWithPath: path))
    }
}
