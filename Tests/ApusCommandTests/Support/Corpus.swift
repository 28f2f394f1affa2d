import Foundation
import Synchronization

/// pydicom's test corpus, which `scripts/test` installs.
enum Corpus {
    static func file(_ name: String) throws -> String {
        let path = try directory() + "/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            throw ChildProcess.Failure(description: "pydicom test file \(name) is missing (pip install pydicom==3.0.2)")
        }
        return path
    }

    private static let cache = Mutex<String?>(nil)

    private static func directory() throws -> String {
        if let cached = cache.withLock({ $0 }) { return cached }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import os, pydicom.data; print(os.path.join(os.path.dirname(pydicom.data.__file__), 'test_files'))",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let path = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !path.isEmpty else {
            throw ChildProcess.Failure(description: "pydicom is not installed (pip install pydicom==3.0.2)")
        }
        cache.withLock { $0 = path }
        return path
    }
}

/// A directory removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "apus-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Copies `file` to `name` (a relative path; its directories are created).
    @discardableResult
    func copy(_ file: String, to name: String) throws -> String {
        let target = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: file, toPath: target)
        return target
    }
}
