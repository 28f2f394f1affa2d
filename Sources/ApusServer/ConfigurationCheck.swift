import Archive
import ArchivePostgres
import ArchiveS3
import AsyncHTTPClient
import Foundation
import NIOSSL

/// `apus check`: what `apus serve` would meet at start with these settings, each part tried
/// for real but nothing changed — the index is read, not migrated; the blob store gets a probe
/// object that is deleted again; certificates are read and dated; peers' names resolved.
public struct ConfigurationCheck: Sendable {
    /// One line of the report.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public enum Verdict: String, Sendable {
            case ok = "ok"
            case warning = "warn"
            case failed = "FAIL"
        }
        public var verdict: Verdict
        public var subject: String
        public var detail: String

        public init(verdict: Verdict, subject: String, detail: String) {
            self.verdict = verdict
            self.subject = subject
            self.detail = detail
        }

        public var description: String {
            verdict.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0) + subject + ": " + detail
        }
    }

    let server: ApusServer
    var configuration: ServerConfiguration { server.configuration }

    public init(server: ApusServer) {
        self.server = server
    }

    /// Every part, in the order start-up meets them.
    public func run() async -> [Finding] {
        var findings: [Finding] = []
        let (indexFindings, indexReady) = await index()
        findings += indexFindings
        findings += await blobStore(indexReady: indexReady)
        findings += await tls()
        findings += peers()
        findings += await authentication()
        return findings
    }

    // MARK: Index

    /// The index's finding, and whether the blob check may use the PostgreSQL index (current schema).
    func index() async -> ([Finding], Bool) {
        guard let url = configuration.databaseURL else {
            let path = configuration.resolvedDatabasePath
            let subject = "index"
            if FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.isWritableFile(atPath: path) else {
                    return (
                        [Finding(verdict: .failed, subject: subject, detail: "SQLite file \(path) is not writable")],
                        false
                    )
                }
                return (
                    [Finding(verdict: .ok, subject: subject, detail: "SQLite file \(path) exists and is writable")],
                    false
                )
            }
            let directory = Self.existingAncestor(of: (path as NSString).deletingLastPathComponent)
            guard FileManager.default.isWritableFile(atPath: directory) else {
                return (
                    [
                        Finding(
                            verdict: .failed, subject: subject,
                            detail:
                                "SQLite file \(path) does not exist and \(directory) is not writable, so it can't be created"
                        )
                    ], false
                )
            }
            return (
                [Finding(verdict: .ok, subject: subject, detail: "SQLite file \(path) will be created at start")], false
            )
        }
        let redacted = PostgresIndexStore.Configuration.redacted(url)
        let subject = "index (databaseURL \(redacted))"
        do {
            var postgres = try PostgresIndexStore.Configuration(url: url)
            postgres.connectTimeout = .seconds(10)
            let status = try await PostgresIndexStore.schemaStatus(configuration: postgres, logger: server.logger)
            if status.isTooNew {
                return (
                    [
                        Finding(
                            verdict: .failed, subject: subject,
                            detail: "the schema (version \(status.version)) belongs to a newer Apus that this one "
                                + "can't work with (it knows up to \(status.latest))")
                    ], false
                )
            }
            if status.isCurrent {
                return (
                    [
                        Finding(
                            verdict: .ok, subject: subject,
                            detail: "reachable, schema at version \(status.version) (current)")
                    ], true
                )
            }
            guard status.mayCreateTables else {
                return (
                    [
                        Finding(
                            verdict: .failed, subject: subject,
                            detail:
                                "reachable, schema at version \(status.version) of \(status.latest), and the user may "
                                + "not create tables, so start-up can't migrate it (grant CREATE on the schema)")
                    ], false
                )
            }
            return (
                [
                    Finding(
                        verdict: .ok, subject: subject,
                        detail: status.version == 0
                            ? "reachable, empty: apus serve creates the schema (version \(status.latest)) at start"
                            : "reachable, schema at version \(status.version): apus serve migrates it to \(status.latest) at start"
                    )
                ], false
            )
        } catch {
            return ([Finding(verdict: .failed, subject: subject, detail: "\(error)")], false)
        }
    }

    // MARK: Blob store

    func blobStore(indexReady: Bool) async -> [Finding] {
        switch configuration.storage {
        case .files:
            let root = configuration.dataDirectory + "/files"
            let subject = "blob store (files in \(root))"
            let existing = Self.existingAncestor(of: root)
            guard FileManager.default.isWritableFile(atPath: existing) else {
                return [Finding(verdict: .failed, subject: subject, detail: "\(existing) is not writable")]
            }
            do {
                let store = try await FileBlobStore(root: root, directWrites: configuration.directWrites)
                return [await probe(store, subject: subject, location: "the directory \(root)")]
            } catch {
                return [Finding(verdict: .failed, subject: subject, detail: "cannot be used: \(error)")]
            }
        case .s3(let location):
            let subject = "blob store (\(location.displayName))"
            do {
                guard let s3 = try configuration.s3Configuration() else { return [] }
                return try await S3BlobStore.with(configuration: s3, logger: server.logger) { store in
                    [await probe(store, subject: subject, location: "the bucket")]
                }
            } catch {
                return [Finding(verdict: .failed, subject: subject, detail: "\(error)")]
            }
        case .postgres:
            let subject = "blob store (in PostgreSQL)"
            guard let url = configuration.databaseURL else {
                return [
                    Finding(
                        verdict: .failed, subject: subject, detail: "needs the PostgreSQL index: set APUS_DATABASE_URL")
                ]
            }
            guard indexReady else {
                return [
                    Finding(
                        verdict: .warning, subject: subject,
                        detail: "checked once the index is reachable and its schema current")
                ]
            }
            do {
                var postgres = try PostgresIndexStore.Configuration(url: url)
                postgres.connectTimeout = .seconds(10)
                return try await PostgresIndexStore.withStore(configuration: postgres, logger: server.logger) { index in
                    [await probe(PostgresBlobStore(index: index), subject: subject, location: "the blobs table")]
                }
            } catch {
                return [Finding(verdict: .failed, subject: subject, detail: "\(error)")]
            }
        }
    }

    /// A probe object written, read back and deleted, as start-up does with S3.
    private func probe(_ store: any BlobStore, subject: String, location: String) async -> Finding {
        do {
            try await StorageProbe.check(store, location: location)
            return Finding(verdict: .ok, subject: subject, detail: "a probe object was written, read back and deleted")
        } catch {
            return Finding(verdict: .failed, subject: subject, detail: error.problem)
        }
    }

    /// The nearest directory of `path` (itself included) that exists.
    static func existingAncestor(of path: String) -> String {
        var current = path.isEmpty ? "." : path
        while !FileManager.default.fileExists(atPath: current), current != "/", current != "." {
            let parent = (current as NSString).deletingLastPathComponent
            current = parent.isEmpty ? "." : parent
        }
        return current
    }

    // MARK: TLS

    /// The listeners' files as start-up loads them (readable, PEM, key matching), then the
    /// certificate's dates: expired or not yet valid fails, under 30 days left warns.
    func tls() async -> [Finding] {
        guard configuration.dicomTLSPort != nil || configuration.httpsPort != nil else { return [] }
        let subject = "TLS (\(configuration.tlsCertificateFile ?? "no certificate file"))"
        do {
            try await configuration.checkTLSFiles()
        } catch {
            return [Finding(verdict: .failed, subject: subject, detail: "\(error)")]
        }
        guard let file = configuration.tlsCertificateFile,
            let leaf = try? NIOSSLCertificate.fromPEMFile(file).first
        else {
            return [Finding(verdict: .failed, subject: subject, detail: "the certificate can't be read")]
        }
        let now = Date()
        let notAfter = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
        let notBefore = Date(timeIntervalSince1970: TimeInterval(leaf.notValidBefore))
        let until = ISO8601DateFormatter().string(from: notAfter)
        if notAfter < now {
            return [Finding(verdict: .failed, subject: subject, detail: "the certificate expired on \(until)")]
        }
        if notBefore > now {
            return [
                Finding(
                    verdict: .failed, subject: subject,
                    detail: "the certificate is not valid before \(ISO8601DateFormatter().string(from: notBefore))")
            ]
        }
        let days = Int(notAfter.timeIntervalSince(now) / 86_400)
        let verdict: Finding.Verdict = days < 30 ? .warning : .ok
        return [
            Finding(
                verdict: verdict, subject: subject,
                detail: "certificate and key match, valid until \(until) (\(days) days)"
                    + (configuration.tlsCAFile.map { ", CA file \($0) readable" } ?? ""))
        ]
    }

    // MARK: Peers

    /// Each C-MOVE destination's and each `peerAccess` host name must resolve.
    func peers() -> [Finding] {
        var findings: [Finding] = []
        for (title, peer) in configuration.peers.sorted(by: { $0.key < $1.key }) {
            let subject = "peer \(title) (\(peer.host):\(peer.port))"
            if let address = PeerAccessCheck.resolve(peer.host).first {
                findings.append(Finding(verdict: .ok, subject: subject, detail: "resolves to \(address)"))
            } else {
                findings.append(
                    Finding(verdict: .failed, subject: subject, detail: "the host name \(peer.host) does not resolve"))
            }
        }
        if let rules = configuration.peerAccess {
            do {
                _ = try PeerAccessCheck(rules: rules)
                findings.append(
                    Finding(verdict: .ok, subject: "peerAccess", detail: "\(rules.count) rules, every host resolves"))
            } catch {
                findings.append(Finding(verdict: .failed, subject: "peerAccess", detail: error.problem))
            }
        }
        return findings
    }

    // MARK: Authentication

    func authentication() async -> [Finding] {
        guard configuration.authenticationRequired else { return [] }
        do {
            _ = try await server.authentication(httpClient: .shared)
            return [Finding(verdict: .ok, subject: "HTTP authentication", detail: "users and identity provider usable")]
        } catch {
            return [Finding(verdict: .failed, subject: "HTTP authentication", detail: "\(error)")]
        }
    }
}
