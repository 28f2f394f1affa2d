import Foundation
package import Synchronization

/// A server run as a child process for the benchmark, with the environment given (whole):
/// started with its output in a log file,
/// measured through /proc, stopped with SIGTERM (SIGKILL if it lingers).
/// Unchecked: its stored properties never change, and what is asked of `Process` after the
/// start (isRunning, processIdentifier, terminate) is safe from any thread; memory sampling
/// runs beside the workload that drives the server.
package final class ServerProcess: @unchecked Sendable {
    package let name: String
    package let logPath: String
    private let process: Process

    /// The children still running, so that an error or a signal stops them all.
    package static let running = Mutex<Set<Int32>>([])

    package init(name: String, executable: String, arguments: [String], environment: [String: String], logPath: String)
        throws
    {
        self.name = name
        self.logPath = logPath
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        guard FileManager.default.createFile(atPath: logPath, contents: nil),
            let log = FileHandle(forWritingAtPath: logPath)
        else { throw BenchmarkError("cannot create \(logPath)") }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        Self.running.withLock { _ = $0.insert(process.processIdentifier) }
    }

    package var pid: Int32? {
        process.isRunning ? process.processIdentifier : nil
    }

    /// VmHWM and VmRSS of /proc/PID/status, in bytes: the peak and current resident set.
    package func memory() -> (peak: Int, current: Int)? {
        guard let pid, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
            return nil
        }
        func kilobytes(_ key: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        guard let peak = kilobytes("VmHWM:"), let current = kilobytes("VmRSS:") else { return nil }
        return (peak * 1_024, current * 1_024)
    }

    /// Resets VmHWM to the current resident set (Linux 4.0 and later: "5" to clear_refs), so
    /// that the next `memory().peak` is the peak of what runs in between.
    package func resetPeakMemory() {
        guard let pid else { return }
        try? "5".write(toFile: "/proc/\(pid)/clear_refs", atomically: false, encoding: .utf8)
    }

    /// User plus system CPU time the process has used so far, from /proc/PID/stat.
    package func cpuSeconds() -> Double? {
        guard let pid, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// SIGTERM, then SIGKILL after `grace`; returns once the process is gone.
    package func stop(grace: Duration = .seconds(10)) {
        defer { Self.running.withLock { _ = $0.remove(process.processIdentifier) } }
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The last lines of the log, for an error message.
    package func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// From a signal handler or a failure path: SIGTERM to every child still running.
    package static func terminateAll() {
        for pid in running.withLock({ $0 }) { kill(pid, SIGTERM) }
    }
}

/// A failure of the benchmark itself (a server that does not start, a store that fails).
package struct BenchmarkError: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}

/// A free TCP port on the loopback: bound, read, released. (Another process could take it
/// before the server binds it; on this machine nothing else picks ports that way.)
package func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw BenchmarkError("socket: \(errno)") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
        }
    }
    guard bound else { throw BenchmarkError("bind: \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// An executable named with or without its folder: the first match on PATH for a bare name.
package func resolve(_ name: String) throws -> String {
    if name.contains("/") { return name }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
        return "\(folder)/\(name)"
    }
    throw BenchmarkError("\(name) is not on PATH")
}
