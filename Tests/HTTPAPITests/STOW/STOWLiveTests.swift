import Archive
import DICOM
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// STOW-RS against a listening server, from real clients: dicomweb-client (pip) and a plain
/// HTTP client sending Transfer-Encoding: chunked (Tests/HTTPAPITests/Peers).
@Suite(.serialized) struct STOWLiveTests {
    /// What a peer script printed: its JSON summary (the last line of its output).
    struct PeerReport {
        var status: Int?
        var reply: STOWReply?
        var sent: [SentPart]

        struct SentPart: Sendable {
            var path: String?
            var sop: String?
            var size: Int?
        }

        init(output: String) throws {
            let line = output.split(separator: "\n").last.map(String.init) ?? ""
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw PeerMissing(description: "peer printed no JSON:\n\(output)")
            }
            status = object["status"] as? Int
            if let response = object["response"] as? [String: Any] {
                let json = try JSONSerialization.data(withJSONObject: response)
                reply = try STOWReply(json: ByteBuffer(bytes: Array(json)))
            }
            let parts = (object["sent"] as? [[String: Any]]) ?? (object["written"] as? [[String: Any]]) ?? []
            sent = parts.map {
                SentPart(path: $0["path"] as? String, sop: $0["sop"] as? String, size: $0["size"] as? Int)
            }
        }
    }

    static func peer(_ script: String, _ arguments: [String]) -> [String] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Peers").appendingPathComponent(script).path
        return ["/usr/bin/env", "python3", path] + arguments
    }

    /// A live server over a fresh archive; `body` gets the archive and the base URL.
    static func withServer(_ body: @escaping @Sendable (Archive, String) async throws -> Void) async throws {
        try await withTemporaryArchive { archive in
            let api = HTTPAPI(archive: archive, logger: Logger(label: "test"))
            try await Application(router: api.router()).test(.live) { client in
                let port = try #require(client.port)
                try await body(archive, "http://127.0.0.1:\(port)/dicom-web")
            }
        }
    }

    static func run(_ command: [String], timeout: Duration = .seconds(600)) async throws -> PeerReport {
        let result = try await PeerProcess(command, lifetime: 900).wait(timeout: timeout)
        guard result.status == 0 else { throw PeerMissing(description: "peer failed: \(result)") }
        return try PeerReport(output: result.output)
    }

    @Test func pydicomCorpusOverChunkedHTTPIsStoredByteForByte() async throws {
        try await Self.withServer { archive, base in
            let report = try await Self.run(Self.peer("stow_http.py", [base + "/studies", "corpus"]))
            let reply = try #require(report.reply)
            #expect(report.status == 202)
            // Every part has an answer, and most of the corpus is storable Part 10.
            #expect(reply.referenced.count + reply.failed.count == report.sent.count)
            #expect(reply.referenced.count > 100)
            // The corpus holds one image in several transfer syntaxes under one SOP Instance
            // UID: the copies after the first are kept out with the B000 warning.
            let sentTwice = Set(
                report.sent.compactMap(\.sop).filter { sop in report.sent.filter { $0.sop == sop }.count > 1 })
            #expect(!sentTwice.isEmpty)
            for item in reply.referenced where item.warning == 0xB000 { #expect(sentTwice.contains(item.sop)) }
            #expect(reply.referenced.contains { $0.warning == 0xB000 })
            let stored = try await STOWFixture.storedContents(of: archive)
            #expect(Set(stored.keys) == Set(reply.referenced.map(\.sop)))
            var candidates: [String: [[UInt8]]] = [:]
            for file in report.sent {
                guard let sop = file.sop, let path = file.path else { continue }
                candidates[sop, default: []].append(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            }
            for (sop, bytes) in stored {
                #expect(candidates[sop]?.contains(bytes) == true, "\(sop) is not byte for byte a file sent")
            }
            print(
                "STOW corpus: \(report.sent.count) parts, \(stored.count) instances stored, \(reply.failed.count) failed"
            )
        }
    }

    @Test func dicomwebClientStoresWithChunkedEncoding() async throws {
        let names = [
            "CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "JPEG2000.dcm", "SC_rgb.dcm", "emri_small.dcm",
            "US1_J2KR.dcm", "liver.dcm",
        ]
        let outdir = NSTemporaryDirectory() + "apus-stow-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outdir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outdir) }
        try await Self.withServer { archive, base in
            let report = try await Self.run(Self.peer("stow_dicomweb_client.py", [base, outdir] + names))
            let reply = try #require(report.reply)
            #expect(reply.failed.isEmpty)
            #expect(reply.referenced.count == names.count)
            let stored = try await STOWFixture.storedContents(of: archive)
            #expect(stored.count == names.count)
            for file in report.sent {
                let sop = try #require(file.sop)
                let path = try #require(file.path)
                #expect(stored[sop] == Array(try Data(contentsOf: URL(fileURLWithPath: path))), "\(sop)")
            }
        }
    }

    @Test func truncatedChunkedUploadKeepsTheCompleteParts() async throws {
        try await Self.withServer { archive, base in
            let ct = try Peers.pydicomTestFile("CT_small.dcm")
            let report = try await Self.run(Self.peer("stow_http.py", [base + "/studies", "truncated", ct]))
            #expect(report.status == 400)
            #expect(report.reply?.referenced.count == 1)
            let stored = try await STOWFixture.storedContents(of: archive)
            #expect(stored.values.first == Array(try Data(contentsOf: URL(fileURLWithPath: ct))))
        }
    }

    /// 20 instances of 10 MB in one chunked request. The server's resident memory is sampled
    /// while it runs (the server runs in this process) and printed; it must stay well below
    /// the size of the upload, which it would exceed if the body were collected.
    @Test func twoHundredMegabyteUploadInBoundedMemory() async throws {
        try await Self.withServer { archive, base in
            let baseline = Self.residentBytes()
            let peak = PeakSampler()
            let report = try await withThrowingTaskGroup(of: PeerReport?.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        peak.record(Self.residentBytes())
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                    return nil
                }
                group.addTask { try await Self.run(Self.peer("stow_http.py", [base + "/studies", "big", "20", "10"])) }
                var report: PeerReport?
                for try await result in group {
                    if let result {
                        report = result
                        group.cancelAll()
                    }
                }
                return report
            }
            let reply = try #require(report?.reply)
            #expect(report?.status == 200)
            #expect(reply.referenced.count == 20)
            let sizes = (report?.sent ?? []).compactMap(\.size)
            let total = sizes.reduce(0, +)
            var stored = 0
            for try await instance in archive.instances(matching: ArchiveQuery(model: .studyRoot, level: .image)) {
                #expect(sizes.contains(instance.size))
                stored += 1
            }
            #expect(stored == 20)
            let growth = peak.value - baseline
            print(
                "STOW 200 MB: uploaded \(total >> 20) MiB in 20 parts; server RSS baseline \(baseline >> 20) MiB, "
                    + "peak \(peak.value >> 20) MiB, growth \(growth >> 20) MiB")
            #expect(growth < total / 2, "resident memory grew by \(growth >> 20) MiB for a \(total >> 20) MiB upload")
        }
    }
}

extension STOWLiveTests {
    /// VmRSS of this process, from /proc/self/status.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kilobytes * 1024
        }
        return 0
    }

    final class PeakSampler: Sendable {
        private let peak = Mutex(0)
        func record(_ value: Int) { peak.withLock { $0 = max($0, value) } }
        var value: Int { peak.withLock { $0 } }
    }
}
