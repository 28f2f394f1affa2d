import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Third-party peers the interop tests run: DCMTK's tools and Python scripts on pynetdicom.
/// A missing peer fails the test with what to install; nothing is skipped.
enum Peers {
    /// A DCMTK tool by absolute path: pynetdicom installs commands of the same names
    /// (echoscu, storescu, …) that shadow DCMTK's on PATH.
    static func dcmtk(_ tool: String) throws -> String {
        let path = "/usr/bin/\(tool)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw PeerMissing(description: "\(path) not found: install DCMTK (apt-get install -y dcmtk)")
        }
        return path
    }

    /// A script of Peers/, run with python3 from PATH (the one pynetdicom is installed for).
    static func pythonScript(_ name: String) -> [String] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Peers").appendingPathComponent(name).path
        return ["/usr/bin/env", "python3", script]
    }

    /// The folder of pydicom's own test files (CT_small.dcm, …).
    static func pydicomTestFiles() throws -> String {
        if let cached = testFilesCache.withLock({ $0 }) { return cached }
        let output = try runSynchronously(
            [
                "/usr/bin/env", "python3", "-c",
                "import os, pydicom.data; print(os.path.join(os.path.dirname(pydicom.data.__file__), 'test_files'))",
            ])
        let path = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard FileManager.default.fileExists(atPath: path + "/CT_small.dcm") else {
            throw PeerMissing(description: "pydicom's test files not found (pip install pydicom==3.0.2): \(output)")
        }
        testFilesCache.withLock { $0 = path }
        return path
    }

    static func pydicomTestFile(_ name: String) throws -> String {
        try pydicomTestFiles() + "/" + name
    }

    private static let testFilesCache = Mutex<String?>(nil)
    private static let pynetdicomChecked = Mutex(false)

    /// Checks that pynetdicom imports, so that a missing package fails with a clear message.
    static func requirePynetdicom() throws {
        let output = try runSynchronously([
            "/usr/bin/env", "python3", "-c", "import pynetdicom; print('ok', pynetdicom.__version__)",
        ])
        guard output.hasPrefix("ok") else {
            throw PeerMissing(description: "pynetdicom is not installed (pip install pynetdicom): \(output)")
        }
        pynetdicomChecked.withLock { $0 = true }
    }

    private static func runSynchronously(_ command: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

struct PeerMissing: Error, CustomStringConvertible {
    var description: String
}

/// A peer process: started, awaited with a timeout, its output kept in a file (a pipe could
/// fill up and block a chatty peer).
final class PeerProcess: Sendable {
    let command: [String]
    private let process: Process
    private let outputPath: String
    private let exited: AsyncStream<Int32>
    private let exitContinuation: AsyncStream<Int32>.Continuation

    struct Result: CustomStringConvertible {
        var status: Int32
        var output: String
        var description: String { "exit status \(status)\n\(output)" }
    }

    /// `lifetime` bounds a peer that the test forgets (or a killed test run leaves behind):
    /// it runs under coreutils' timeout.
    init(_ command: [String], lifetime: Int = 300, environment: [String: String] = [:]) throws {
        self.command = command
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["-k", "5", "\(lifetime)"] + command
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let outputPath = NSTemporaryDirectory() + "apus-peer-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        (exited, exitContinuation) = AsyncStream.makeStream(of: Int32.self)
        self.process = process
        self.outputPath = outputPath
        let continuation = exitContinuation
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
    }

    var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Waits for the process to end; kills it and fails after `timeout`.
    func wait(timeout: Duration = .seconds(30)) async throws -> Result {
        let status: Int32? = try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask { [exited] in
                for await status in exited { return status }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let status else {
            terminate()
            throw PeerTimedOut(command: command, output: output)
        }
        return Result(status: status, output: output)
    }

    /// SIGTERM, then SIGKILL for a peer that ignores it (children inherit the signal mask of
    /// the test process).
    func terminate() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(1)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit {
        terminate()
        try? FileManager.default.removeItem(atPath: outputPath)
    }

    /// Runs a command to its end.
    static func run(_ command: [String], timeout: Duration = .seconds(30)) async throws -> Result {
        try await PeerProcess(command).wait(timeout: timeout)
    }
}

struct PeerTimedOut: Error, CustomStringConvertible {
    var command: [String]
    var output: String
    var description: String { "\(command.joined(separator: " ")) did not finish in time:\n\(output)" }
}

/// A free TCP port on the loopback interface, for peers that listen (storescp, pynetdicom).
func freePort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}

/// Waits until something accepts connections on `port` (a peer starting up).
func waitUntilListening(port: Int, process: PeerProcess, timeout: Duration = .seconds(20)) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        {
            try? await channel.close()
            return
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    process.terminate()
    throw PeerTimedOut(command: process.command, output: "never listened on \(port)\n" + process.output)
}
