import Foundation

/// Commands run with `posix_spawn` and reaped with `waitpid`, without Foundation's `Process`:
/// in the test runner it at times never sees a child end (it missed `runuser` exiting after
/// `pg_ctl start`, and `waitUntilExit` then spun for ever).
enum ChildProcess {
    /// Starts `arguments[0]` with the others, the environment of the tests and no signal
    /// blocked (the runner blocks some, and a child would inherit them).
    static func spawn(_ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments.first ?? "", nil, &attributes, argv, environ)
        guard result == 0 else {
            throw Tools.ToolMissing(
                path: "\(arguments.first ?? "") (posix_spawn: \(String(cString: strerror(result))))")
        }
        return pid
    }

    /// The exit status once the child has ended (128 + the signal when a signal ended it), or
    /// nil when it still runs after `timeout`: then it is killed and reaped.
    static func exitStatus(of pid: pid_t, within timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while true {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + status & 0x7F }
            // Not our child any more (reaped elsewhere): nothing to wait for.
            if reaped < 0 { return -1 }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return nil
            }
            do { try await Task.sleep(for: .milliseconds(50)) } catch { usleep(50_000) }
        }
    }
}
