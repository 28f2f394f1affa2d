import Foundation

/// This process's CPU time and context switches (getrusage), for the no-op SCP, whose server
/// runs in the benchmark's process beside the client: CPU per instance counts both ends, and
/// holds on a loaded machine where wall-clock rates do not.
struct Usage {
    var cpuSeconds: Double
    /// Voluntary context switches: a thread went to sleep waiting (for the other end, the
    /// event loop, a task), which is what one request at a time on one association costs.
    var contextSwitches: Int

    static func now() -> Usage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return Usage(
            cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime), contextSwitches: Int(usage.ru_nvcsw))
    }

    static func - (after: Usage, before: Usage) -> Usage {
        Usage(
            cpuSeconds: after.cpuSeconds - before.cpuSeconds,
            contextSwitches: after.contextSwitches - before.contextSwitches)
    }
}
