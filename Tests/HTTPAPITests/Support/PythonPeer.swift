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

    /// Paths of pydicom's test files (the `data_store` of pydicom-data included), by name.
    static func pydicomFiles(_ names: [String]) async throws -> [String] {
        let code = """
            import sys
            from pydicom.data import get_testdata_file
            for name in sys.argv[1:]:
                path = get_testdata_file(name)
                if not path: sys.exit('missing ' + name)
                print(path)
            """
        let result = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Swift.Result {
                        try runSynchronously("/usr/bin/env", ["python3", "-c", code] + names)
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
    let paths = try await PythonPeer.pydicomFiles(names)
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
