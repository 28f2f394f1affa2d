import Foundation

/// A Python peer script of Peers/ run to its end under coreutils' `timeout`, off the
/// cooperative pool; a missing interpreter or package fails the test with the script's output.
enum PythonPeer {
    struct Result: CustomStringConvertible {
        var status: Int32
        var output: String
        var description: String { "exit status \(status)\n\(output)" }
    }

    static func run(_ script: String, _ arguments: [String]) async throws -> Result {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Peers").appendingPathComponent(script).path
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Swift.Result {
                        try runSynchronously(
                            "/usr/bin/timeout", ["-k", "5", "300", "/usr/bin/env", "python3", path] + arguments)
                    })
            }
        }
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
        return Result(
            status: process.terminationStatus, output: (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }
}
