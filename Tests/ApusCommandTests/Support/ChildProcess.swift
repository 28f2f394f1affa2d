import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program a test runs: the `apus` binary, DCMTK's storescp. Its output goes to files, not
/// pipes, so that a chatty child never blocks on a full pipe, and waiting for it never blocks
/// a thread of the cooperative pool. A child still running when the value goes away is
/// killed: with SIGKILL, because children inherit the test process's blocked signals and
/// SIGTERM would wait, blocked, forever.
final class ChildProcess: @unchecked Sendable {
    struct Result: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let process = Process()
    private let directory: String
    private let exits: AsyncStream<Int32>

    init(_ executable: String, _ arguments: [String], missing: String) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "\(executable) is missing: \(missing)")
        }
        directory = NSTemporaryDirectory() + "apus-child-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["out", "err"] where !FileManager.default.createFile(atPath: directory + "/" + name, contents: nil)
        {
            throw Failure(description: "cannot create \(directory)/\(name)")
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let output = FileHandle(forWritingAtPath: directory + "/out")
        let errors = FileHandle(forWritingAtPath: directory + "/err")
        process.standardOutput = output
        process.standardError = errors
        let (exits, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.exits = exits
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        // The child has its own copies; ours would stay open for the whole test run.
        defer {
            try? output?.close()
            try? errors?.close()
        }
        try process.run()
    }

    deinit {
        terminate()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var isRunning: Bool { process.isRunning }

    func terminate() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Kills the child and waits until it is gone, so that no port or file of it outlives the test.
    func stop() async {
        terminate()
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// SIGINT, as Ctrl-C sends it.
    func interrupt() {
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
    }

    var output: String { read("out") }
    var errors: String { read("err") }

    private func read(_ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }

    /// Waits for the exit; a child still running after `timeout` is terminated and the wait fails.
    func result(timeout: Duration = .seconds(60)) async throws -> Result {
        let exits = self.exits
        let status = await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                for await status in exits { return status }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let status else {
            terminate()
            throw Failure(description: "still running after \(timeout): \(errors)")
        }
        return Result(status: status, output: output, errors: errors)
    }
}
