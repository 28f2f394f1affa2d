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
///
/// Spawned with posix_spawn rather than Foundation's Process, which passes the test process's
/// blocked signal mask on: its children could then not be terminated and outlived the tests.
/// Here the child starts with no signal blocked, default handlers and no descriptor but its
/// standard ones, under coreutils' timeout, so that even a peer whose test run was killed
/// ends after `lifetime` seconds.
final class PeerProcess: Sendable {
    let command: [String]
    private let pid: pid_t
    private let outputPath: String
    /// The exit status once reaped.
    private let status = Mutex<Int32?>(nil)

    struct Result: CustomStringConvertible {
        var status: Int32
        var output: String
        var description: String { "exit status \(status)\n\(output)" }
    }

    init(_ command: [String], lifetime: Int = 300) throws {
        self.command = command
        let outputPath = NSTemporaryDirectory() + "apus-peer-\(UUID().uuidString).log"
        self.outputPath = outputPath
        let arguments = ["/usr/bin/timeout", "-k", "5", "\(lifetime)"] + command

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var files = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&files)
        defer { posix_spawn_file_actions_destroy(&files) }
        posix_spawn_file_actions_addopen(&files, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&files, 1, 2)
        posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0)
        // Nothing else of ours: an inherited socket (another test's listener) would keep its
        // port taken, and accept connections nobody answers, for as long as the peer runs.
        Self.closeInheritedDescriptors(&files)

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, arguments[0], &files, &attributes, &argv, environ)
        guard result == 0 else {
            throw PeerMissing(
                description: "cannot start \(command.joined(separator: " ")): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+), which Swift's Glibc module
    /// does not import; failing that, a close action for every descriptor open now.
    private static func closeInheritedDescriptors(_ files: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&files, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&files, descriptor)
        }
    }

    /// Reaps the process if it has ended; its exit status.
    private func poll() -> Int32? {
        status.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
            let code = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
            status = code
            return code
        }
    }

    /// Waits for the process to end; kills it and fails after `timeout`.
    func wait(timeout: Duration = .seconds(30)) async throws -> Result {
        let deadline = ContinuousClock.now + timeout
        while true {
            // Polled once more past the deadline: a test process that was not scheduled for a
            // while (a loaded machine) must not call a peer that finished meanwhile overdue.
            if let code = poll() { return Result(status: code, output: output) }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        terminate()
        throw PeerTimedOut(command: command, output: output)
    }

    /// SIGTERM (timeout passes it on to the peer), SIGKILL if that does not end it in a second.
    func terminate() {
        guard poll() == nil else { return }
        kill(pid, SIGTERM)
        for _ in 0..<100 {
            if poll() != nil { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        _ = poll()
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
///
/// Taken below the ephemeral range (32768 and up on Linux): a port that a bind to port 0 gave
/// and we freed would go to the next bind to port 0 — the servers other tests start at the
/// same moment — before the peer could take it. Each port is given once per test process,
/// from a random start so that test processes running side by side rarely meet.
func freePort() async throws -> Int {
    while true {
        let port = nextPort.withLock { next in
            defer { next = next >= 32_000 ? 20_000 : next + 1 }
            return next
        }
        guard
            let channel = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: port).get()
        else { continue }
        try await channel.close()
        return port
    }
}

private let nextPort = Mutex(Int.random(in: 20_000..<31_000))

/// Waits until something accepts connections on `port` (a peer starting up). Generous: a
/// peer may start slowly on a 2-core machine running the whole suite.
func waitUntilListening(port: Int, process: PeerProcess, timeout: Duration = .seconds(60)) async throws {
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
