import BenchSupport
import DICOM
import Foundation
import NIOCore

/// DCMTK's own SCUs against the same targets, as a cross-check of the figures our client
/// gives (a client that stalled would make every server look slow), run as Debian ships
/// them: Nagle's algorithm on (no TCP_NODELAY). The binaries in /usr/bin: pynetdicom
/// installs scripts of the same names earlier on PATH.
enum DCMTK {
    static let echoscu = "/usr/bin/echoscu"
    static let storescu = "/usr/bin/storescu"

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: echoscu) && FileManager.default.isExecutableFile(atPath: storescu)
    }

    /// Mean C-ECHO round trip of `echoscu --repeat N` on one association, less the time of a
    /// run with one echo (process start, association, release).
    static func echo(_ endpoint: Endpoint, count: Int) throws -> Double {
        let one = try timed(echoscu, arguments(endpoint) + ["--repeat", "1", endpoint.host, "\(endpoint.port)"])
        let many = try timed(
            echoscu, arguments(endpoint) + ["--repeat", "\(count)", endpoint.host, "\(endpoint.port)"])
        return max(0, many - one) / Double(max(1, count - 1))
    }

    /// Instances per second of `storescu +sd DIRECTORY` (one association, files from the page
    /// cache), wall time of the whole run.
    static func store(_ endpoint: Endpoint, directory: String, count: Int) throws -> Double {
        let seconds = try timed(storescu, arguments(endpoint) + ["+sd", endpoint.host, "\(endpoint.port)", directory])
        return Double(count) / seconds
    }

    /// Writes the instances as Part 10 files for `storescu`.
    static func writeFiles(_ instances: [Instance], to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (number, instance) in instances.enumerated() {
            let bytes = try Instances.part10(instance)
            let path = "\(directory)/\(number).dcm"
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes.readableBytesView)) else {
                throw BenchmarkError("cannot write \(path)")
            }
        }
    }

    private static func arguments(_ endpoint: Endpoint) -> [String] {
        ["-aet", "BENCH", "-aec", endpoint.aeTitle, "-to", "10", "-ta", "30"]
    }

    /// Wall time of a run; throws if it fails or outlives `limit` (then it is killed).
    private static func timed(_ executable: String, _ arguments: [String], limit: Duration = .seconds(300)) throws
        -> Double
    {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("apus-bench-dcmtk-\(getpid()).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: log.path)
        else { throw BenchmarkError("cannot create \(log.path)") }
        defer {
            try? handle.close()
            try? FileManager.default.removeItem(at: log)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // As shipped: Nagle's algorithm on, as in most DCMTK-based modalities.
        var environment = ProcessInfo.processInfo.environment
        environment["TCP_NODELAY"] = nil
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = handle
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        // A watchdog, so that a stalled peer cannot hold the benchmark.
        let pid = process.processIdentifier
        let expired = Counter()
        let watchdog = DispatchWorkItem {
            expired.increment()
            kill(pid, SIGTERM)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit.seconds, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        guard expired.value == 0 else {
            throw BenchmarkError("\(executable) took longer than \(limit)")
        }
        let elapsed = (clock.now - start).seconds
        guard process.terminationStatus == 0 else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw BenchmarkError("\(executable) exited with \(process.terminationStatus): \(output)")
        }
        return elapsed
    }
}
