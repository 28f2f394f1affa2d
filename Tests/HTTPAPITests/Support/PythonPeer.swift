import Archive
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The Python scripts of Peers/ (dicomweb-client, pydicom), run to their end under coreutils'
/// `timeout`, off the cooperative pool. A missing interpreter or package fails the test with
/// what `scripts/test` installs; nothing is skipped.
enum PythonPeer {
    struct Result: CustomStringConvertible {
        var status: Int32
        var output: String
        var description: String { "exit status \(status)\n\(output)" }
    }

    static func run(_ script: String, _ arguments: [String], timeout: Int = 600) async throws -> Result {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Peers").appendingPathComponent(script).path
        let command = ["-k", "5", String(timeout), "/usr/bin/env", "python3", path] + arguments
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Swift.Result { try runSynchronously("/usr/bin/timeout", command) })
            }
        }
    }

    /// Paths of pydicom's test files (the `data_store` of pydicom-data included), by name. Some
    /// of those files share a SOP Instance UID (SC_ybr_full_422_uncompressed.dcm is
    /// SC_ybr_full_uncompressed.dcm in another colour space), which an archive rightly keeps
    /// once; a file repeating an earlier UID is given a UID of its own, written to `copies`.
    static func pydicomFiles(_ names: [String], copies: URL) async throws -> [String] {
        let code = """
            import os, sys
            import pydicom
            from pydicom.data import get_testdata_file
            from pydicom.uid import generate_uid
            seen = set()
            for name in sys.argv[2:]:
                path = get_testdata_file(name)
                if not path: sys.exit('missing ' + name)
                data = pydicom.dcmread(path)
                if data.SOPInstanceUID in seen:
                    data.SOPInstanceUID = generate_uid(entropy_srcs=[name])
                    data.file_meta.MediaStorageSOPInstanceUID = data.SOPInstanceUID
                    path = os.path.join(sys.argv[1], name)
                    data.save_as(path)
                seen.add(data.SOPInstanceUID)
                print(path)
            """
        let result = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Swift.Result {
                        try runSynchronously("/usr/bin/env", ["python3", "-c", code, copies.path] + names)
                    })
            }
        }
        let paths = result.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("/") }
        guard result.status == 0, paths.count == names.count else {
            throw PeerMissing(
                description:
                    "pydicom's test files not found (./scripts/test installs pydicom and pydicom-data): \(result)")
        }
        return paths
    }

    private static func runSynchronously(_ executable: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("apus-peer-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, output: text)
    }
}

/// Stores pydicom's corpus files `names` in a fresh archive and runs a peer script against
/// the archive served as `apus serve` serves it, over a real socket: the script gets the
/// DICOMweb root URL and the paths of the files stored. Every file must store.
func runPeerOnCorpus(_ names: [String], script: String) async throws -> PythonPeer.Result {
    let copies = FileManager.default.temporaryDirectory.appendingPathComponent("apus-corpus-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: copies, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: copies) }
    let paths = try await PythonPeer.pydicomFiles(names, copies: copies)
    return try await withTemporaryArchive { archive in
        var stored: [String] = []
        for path in paths {
            let bytes = try ByteBuffer(bytes: Data(contentsOf: URL(fileURLWithPath: path)))
            if case .stored = try await archive.store(part10: bytes) { stored.append(path) }
        }
        #expect(stored.count == paths.count, "stored \(stored)")
        let storedPaths = stored
        // dicomweb-client sends Host headers without the port, which the bulk data URIs and
        // RetrieveURLs must survive.
        let api = HTTPAPI(archive: archive, logger: Logger(label: "test"))
        return try await api.application().test(.live) { client in
            let port = try #require(client.port)
            return try await PythonPeer.run(script, ["http://127.0.0.1:\(port)/dicom-web"] + storedPaths)
        }
    }
}
