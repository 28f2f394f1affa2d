import Foundation
import NIOCore
import Testing

/// A fresh folder, removed when the value goes.
final class ZIPTestDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("apus-zip-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The third-party ZIP readers: Python's zipfile (Peers/zip_check.py) and Info-ZIP's unzip.
enum ZIPPeers {
    struct Report: Sendable {
        struct Entry: Sendable {
            var name: String
            var size: Int
            var crc: Int
            var method: Int
        }

        var entries: [Entry]
        var zip64: Bool
    }

    static func python(_ arguments: String...) async throws -> Report {
        let result = try await PythonPeer.run("zip_check.py", arguments, timeout: 900)
        guard result.status == 0 else { throw PeerMissing(description: "zip_check.py failed: \(result)") }
        let line = result.output.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let entries = object["entries"] as? [[String: Any]]
        else { throw PeerMissing(description: "zip_check.py printed no report: \(result)") }
        return Report(
            entries: entries.map {
                Report.Entry(
                    name: $0["name"] as? String ?? "", size: $0["size"] as? Int ?? -1, crc: $0["crc"] as? Int ?? -1,
                    method: $0["compress_type"] as? Int ?? -1)
            }, zip64: object["zip64"] as? Bool ?? false)
    }

    /// `unzip -t`: every entry's CRC checked, the archive's structure too.
    static func unzipTest(_ path: String, expectingEntries count: Int) async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip") else {
            throw PeerMissing(description: "/usr/bin/unzip not found: apt-get install unzip (scripts/test does)")
        }
        let result = try await PeerProcess(["/usr/bin/unzip", "-tq", path], lifetime: 900).wait(timeout: .seconds(900))
        #expect(result.status == 0, "\(result)")
        #expect(result.output.contains("No errors detected"), "\(result.output)")
        let listing = try await PeerProcess.run(["/usr/bin/unzip", "-Z1", path], timeout: .seconds(300))
        #expect(listing.output.split(separator: "\n").count == count, "\(listing.output.prefix(500))")
    }
}

/// A file written with holes: `skip` moves on without writing, so gigabytes of zeros take
/// no disk.
final class SparseFile {
    private let handle: FileHandle
    private var offset: UInt64 = 0

    init(path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func write(_ buffer: ByteBuffer) throws {
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data(buffer.readableBytesView))
        offset += UInt64(buffer.readableBytes)
    }

    func skip(_ count: Int) { offset += UInt64(count) }

    func close() throws {
        try handle.truncate(atOffset: offset)
        try handle.close()
    }
}
