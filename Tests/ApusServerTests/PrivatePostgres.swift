import Foundation

/// A PostgreSQL 15 cluster of one test's own, which it may stop and restart: the shared
/// server `scripts/postgres-for-tests` starts serves other tests and must stay up. Set up as
/// that script does (as root, `postgres` owns the folder and runs the commands). Every command
/// is bounded: `pg_ctl` waits with `-t`, and the process is killed if it outlives that, so a
/// server that doesn't come up fails the test instead of hanging it.
final class PrivatePostgres: Sendable {
    static let binaries = "/usr/lib/postgresql/15/bin"
    /// What `pg_ctl -w` waits at most for a start or a stop.
    static let waitSeconds = 30

    let directory: String
    let port: Int
    /// Stops the cluster when the test process is gone however it ended (a run killed by CI).
    private let watchdog: pid_t

    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable" }
    private var data: String { directory + "/data" }

    /// A new cluster, started, for `body`'s length: stopped (immediate) and removed after it
    /// however `body` ends.
    static func withRunning<T>(_ body: (PrivatePostgres) async throws -> T) async throws -> T {
        let cluster = try await PrivatePostgres()
        do {
            try await cluster.start()
            let result = try await body(cluster)
            await cluster.remove()
            return result
        } catch {
            await cluster.remove()
            throw error
        }
    }

    private init() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binaries + "/pg_ctl") else {
            throw Tools.ToolMissing(path: Self.binaries + "/pg_ctl (scripts/postgres-for-tests installs PostgreSQL 15)")
        }
        directory = NSTemporaryDirectory() + "apus-pg-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        port = try FreePort.find()
        if getuid() == 0 {
            try await Self.run("/usr/bin/chown", ["postgres:", directory], in: directory, timeout: .seconds(10))
        }
        watchdog = try ChildProcess.spawn([
            "/bin/sh", "-c",
            #"while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 1; done; "#
                + #"[ -d "$2" ] && { $3 "$4/pg_ctl" -D "$2/data" -m immediate -t 10 -w stop >/dev/null 2>&1; rm -rf "$2"; }"#,
            "watchdog", String(getpid()), directory, getuid() == 0 ? "runuser -u postgres --" : "", Self.binaries,
        ])
        do {
            try await asOwner("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
        } catch {
            await remove()
            throw error
        }
    }

    /// `pg_ctl start`, waiting until it accepts connections. fsync is off: the tests stop the
    /// server process, never the machine, so what it wrote is in the page cache either way.
    func start() async throws {
        try await pgctl([
            "-l", directory + "/server.log", "-o",
            "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            "start",
        ])
    }

    /// `pg_ctl restart -m fast`: sessions are ended, the server stops cleanly and starts again.
    func restart() async throws {
        try await pgctl(["-l", directory + "/server.log", "-m", "fast", "restart"])
    }

    /// `pg_ctl stop -m immediate`: the server is gone at once, as after a crash.
    func stopImmediately() async throws {
        try await pgctl(["-m", "immediate", "stop"])
    }

    /// The server's log, for a failure's message.
    var log: String { (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? "" }

    /// Stopped if it runs, its folder removed; the watchdog then ends by itself.
    func remove() async {
        _ = try? await pgctl(["-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
        _ = await ChildProcess.exitStatus(of: watchdog, within: .seconds(5))
    }

    private func pgctl(_ arguments: [String]) async throws {
        try await asOwner("pg_ctl", ["-D", data, "-w", "-t", String(Self.waitSeconds)] + arguments)
    }

    /// One of PostgreSQL's programs, as `postgres` when the tests run as root (it refuses root).
    private func asOwner(_ program: String, _ arguments: [String]) async throws {
        let path = Self.binaries + "/" + program
        let (executable, all) =
            getuid() == 0 ? ("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments) : (path, arguments)
        try await Self.run(executable, all, in: directory, timeout: .seconds(Self.waitSeconds + 15))
    }

    /// Runs a command to its end within `timeout`, in `folder`, else kills it and throws. Its
    /// output goes to a file, not a pipe: a server it starts inherits the descriptors, and a pipe
    /// would then never reach its end.
    private static func run(_ executable: String, _ arguments: [String], in folder: String, timeout: Duration)
        async throws
    {
        let outputPath = NSTemporaryDirectory() + "apus-pg-command-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let pid = try ChildProcess.spawn(
            ["/bin/sh", "-c", #"cd "$1" && shift && exec "$@" </dev/null >"$0" 2>&1"#, outputPath, folder, executable]
                + arguments)
        let status = await ChildProcess.exitStatus(of: pid, within: timeout)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let command = ([executable] + arguments).joined(separator: " ")
        guard let status else {
            throw CommandFailed(command: command, output: "still running after \(timeout): \(output)")
        }
        guard status == 0 else { throw CommandFailed(command: command, output: "exit \(status): \(output)") }
    }

    struct CommandFailed: Error, CustomStringConvertible {
        let command: String
        let output: String
        var description: String { "\(command): \(output)" }
    }
}
