import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `apus check` against the real things: a writable and a read-only data directory (the
/// read-only one checked as an unprivileged user when the tests run as root, for whom
/// permissions don't count), PostgreSQL at a good and at wrong URLs, the S3 server with and
/// without the bucket, good, expired and mismatched TLS files, unresolvable peers.
@Suite("apus check")
struct CheckCommandTests {
    /// Writes `settings` as the configuration file and runs `apus check --config` on it.
    static func check(_ settings: [String: Any], asUnprivileged: Bool = false) async throws -> ChildProcess.Result {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/apus.json"
        try JSONSerialization.data(withJSONObject: settings).write(to: URL(fileURLWithPath: file))
        guard asUnprivileged, getuid() == 0 else {
            return try await ApusBinary.run(["check", "--config", file])
        }
        _ = chmod(directory.path, 0o755)
        _ = chmod(file, 0o644)
        return try await ChildProcess(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", ApusBinary.path, "check", "--config", file],
            missing: "apt-get install util-linux"
        ).result(timeout: .seconds(60))
    }

    static func environment(_ name: String, start: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw ChildProcess.Failure(description: "\(name) is not set: run ./scripts/test, or \(start) first")
        }
        return value
    }

    @Test func aWritableDataDirectoryPasses() async throws {
        let directory = try TemporaryDirectory()
        let result = try await Self.check(["dataDirectory": directory.path + "/archive"])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(
            result.output.contains(
                "ok    index: SQLite file \(directory.path)/archive/index.sqlite will be created at start"),
            "\(result.output)")
        #expect(
            result.output.contains(
                "ok    blob store (files in \(directory.path)/archive/files): a probe object was written, read back and deleted"
            ), "\(result.output)")
        #expect(result.output.contains("apus serve can start with this configuration."))
        // The probe is gone again.
        let left = FileManager.default.enumerator(atPath: directory.path + "/archive/files/blobs")?.allObjects
            .compactMap { $0 as? String }
        #expect(left?.contains { $0.hasSuffix(".tmp") } != true, "\(left ?? [])")
    }

    @Test func aReadOnlyDataDirectoryFails() async throws {
        let directory = try TemporaryDirectory()
        let readOnly = directory.path + "/read-only"
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        _ = chmod(directory.path, 0o755)
        _ = chmod(readOnly, 0o555)
        defer { _ = chmod(readOnly, 0o755) }
        let result = try await Self.check(["dataDirectory": readOnly], asUnprivileged: true)
        #expect(result.status == 1, "\(result.output)\(result.errors)")
        #expect(
            result.output.contains(
                "FAIL  index: SQLite file \(readOnly)/index.sqlite does not exist and \(readOnly) is not writable"),
            "\(result.output)")
        #expect(
            result.output.contains("FAIL  blob store (files in \(readOnly)/files): \(readOnly) is not writable"),
            "\(result.output)")
        #expect(result.output.contains("2 problem(s)"), "\(result.output)")
    }

    @Test func postgresAtAGoodAndAtWrongURLs() async throws {
        let server = try Self.environment(
            "APUS_TEST_POSTGRES_URL", start: #"eval "$(scripts/postgres-for-tests start)""#)
        let directory = try TemporaryDirectory()
        let good = try await Self.check(["dataDirectory": directory.path, "databaseURL": server])
        #expect(good.status == 0, "\(good.output)\(good.errors)")
        #expect(good.output.contains("ok    index (databaseURL "), "\(good.output)")
        #expect(good.output.contains("reachable"), "\(good.output)")

        var components = try #require(URLComponents(string: server))
        components.path = "/no_such_database_for_apus"
        let missing = try await Self.check(["dataDirectory": directory.path, "databaseURL": components.string ?? ""])
        #expect(missing.status == 1)
        #expect(missing.output.contains("FAIL  index"), "\(missing.output)")
        #expect(missing.output.contains("no_such_database_for_apus\" does not exist"), "\(missing.output)")

        components.path = "/postgres"
        components.port = try await Ports.free()
        let closed = try await Self.check(["dataDirectory": directory.path, "databaseURL": components.string ?? ""])
        #expect(closed.status == 1)
        #expect(closed.output.contains("cannot connect to the PostgreSQL server at"), "\(closed.output)")
    }

    @Test func s3WithAndWithoutTheBucket() async throws {
        let endpoint = try Self.environment("APUS_TEST_S3_ENDPOINT", start: #"eval "$(scripts/s3-for-tests start)""#)
        let bucket = "apus-check-" + UUID().uuidString.lowercased().prefix(12)
        // moto_server takes an unsigned bucket creation.
        var create = HTTPClientRequest(url: "\(endpoint)/\(bucket)")
        create.method = .PUT
        let response = try await HTTPClient.shared.execute(create, timeout: .seconds(30))
        #expect(response.status == .ok)
        let directory = try TemporaryDirectory()
        func settings(_ bucket: String) -> [String: Any] {
            [
                "dataDirectory": directory.path,
                "storage": "s3://\(bucket)/archive?endpoint=\(endpoint)&addressing=path",
                "s3AccessKeyID": "apus-test", "s3SecretAccessKey": "apus-test-secret",
            ]
        }
        let good = try await Self.check(settings(bucket))
        #expect(good.status == 0, "\(good.output)\(good.errors)")
        #expect(
            good.output.contains("ok    blob store (s3://\(bucket)/archive): a probe object was written"),
            "\(good.output)")
        let missing = try await Self.check(settings("apus-check-missing-bucket"))
        #expect(missing.status == 1)
        #expect(
            missing.output.contains("FAIL  blob store (s3://apus-check-missing-bucket/archive)"), "\(missing.output)")
        #expect(missing.output.contains("NoSuchBucket"), "\(missing.output)")
    }

    @Test func tlsFilesDatedAndMatched() async throws {
        let pki = try await TestCertificates.make()
        let directory = try TemporaryDirectory()
        func settings(_ certificate: String, key: String) -> [String: Any] {
            [
                "dataDirectory": directory.path, "dicomTLSPort": 11112, "tlsCAFile": pki.path("ca.crt"),
                "tlsCertificateFile": pki.path("\(certificate).crt"), "tlsKeyFile": pki.path("\(key).key"),
            ]
        }
        let good = try await Self.check(settings("server-1", key: "server-1"))
        #expect(good.status == 0, "\(good.output)")
        // The test CA's certificates last 30 days: under the warning threshold, not a failure.
        #expect(good.output.contains("certificate and key match, valid until"), "\(good.output)")
        let expired = try await Self.check(settings("expired", key: "expired"))
        #expect(expired.status == 1)
        #expect(expired.output.contains("the certificate expired on"), "\(expired.output)")
        let mismatched = try await Self.check(settings("server-1", key: "server-2"))
        #expect(mismatched.status == 1)
        #expect(mismatched.output.contains("does not match the certificate"), "\(mismatched.output)")
    }

    @Test func peersMustResolveAndSettingsMustParse() async throws {
        let directory = try TemporaryDirectory()
        let peers = try await Self.check([
            "dataDirectory": directory.path,
            "peers": [
                "GOOD": ["host": "localhost", "port": 104], "BAD": ["host": "no-such-host.invalid", "port": 104],
            ],
        ])
        #expect(peers.status == 1)
        #expect(peers.output.contains("ok    peer GOOD (localhost:104): resolves to"), "\(peers.output)")
        #expect(
            peers.output.contains(
                "FAIL  peer BAD (no-such-host.invalid:104): the host name no-such-host.invalid does not resolve"),
            "\(peers.output)")

        let orthanc = try await Self.check(["DicomPort": "not a port", "StorageDirectory": directory.path])
        #expect(orthanc.status == 1)
        #expect(orthanc.output.contains("FAIL  settings:"), "\(orthanc.output)")
        #expect(orthanc.output.contains("DicomPort: must be a port number"), "\(orthanc.output)")
    }
}
