import Foundation

/// A PKI made by `openssl` for one test: a CA, server certificates for 127.0.0.1 and
/// localhost (two, to rotate), a client certificate from the same CA, one from another CA,
/// and an expired one. Each certificate has its own subject, to tell which one a peer served.
final class TestCertificates: Sendable {
    let directory: TemporaryDirectory

    private init(directory: TemporaryDirectory) {
        self.directory = directory
    }

    func path(_ name: String) -> String { directory.path + "/" + name }

    static func make() async throws -> TestCertificates {
        let pki = TestCertificates(directory: try TemporaryDirectory())
        try "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n".write(
            toFile: pki.path("server.ext"), atomically: true, encoding: .utf8)
        try "basicConstraints=CA:FALSE\n".write(toFile: pki.path("client.ext"), atomically: true, encoding: .utf8)
        try await pki.authority("ca", subject: "Apus Test CA")
        try await pki.authority("other-ca", subject: "Other Site CA")
        try await pki.issue("server-1", by: "ca", serial: "0x1001", extensions: pki.path("server.ext"))
        try await pki.issue("server-2", by: "ca", serial: "0x1002", extensions: pki.path("server.ext"))
        try await pki.issue("client", by: "ca", serial: "0x2001", extensions: pki.path("client.ext"))
        try await pki.issue("other-client", by: "other-ca", serial: "0x3001", extensions: pki.path("client.ext"))
        try await pki.issue("expired", by: "ca", serial: "0x2002", days: "-1", extensions: pki.path("client.ext"))
        return pki
    }

    private func authority(_ name: String, subject: String) async throws {
        try await Self.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("\(name).key"), "-out",
            path("\(name).crt"), "-days", "30", "-subj", "/CN=\(subject)",
        ])
    }

    private func issue(
        _ name: String, by authority: String, serial: String, days: String = "30", extensions: String? = nil
    )
        async throws
    {
        try await Self.openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("\(name).key"), "-out", path("\(name).csr"),
            "-subj", "/CN=apus-\(name)",
        ])
        try await Self.openssl(
            [
                "x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(authority).crt"), "-CAkey",
                path("\(authority).key"), "-set_serial", serial, "-days", days, "-out", path("\(name).crt"),
            ] + (extensions.map { ["-extfile", $0] } ?? []))
    }

    static func openssl(_ arguments: [String]) async throws {
        let result = try await ChildProcess("/usr/bin/openssl", arguments, missing: "apt-get install openssl")
            .result(timeout: .seconds(60))
        guard result.status == 0 else {
            throw ChildProcess.Failure(description: "openssl \(arguments.joined(separator: " ")): \(result.errors)")
        }
    }

    /// The subject of the certificate a TLS server at `port` presents, as `openssl s_client`
    /// prints it ("subject=CN = apus-server-1"), with the handshake's verification result.
    func served(port: Int, clientCertificate: String? = "client") async throws -> ChildProcess.Result {
        var arguments = [
            "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", path("ca.crt"), "-verify_return_error",
        ]
        if let clientCertificate {
            arguments += ["-cert", path("\(clientCertificate).crt"), "-key", path("\(clientCertificate).key")]
        }
        return try await ChildProcess("/usr/bin/openssl", arguments, missing: "apt-get install openssl")
            .result(timeout: .seconds(60))
    }
}
