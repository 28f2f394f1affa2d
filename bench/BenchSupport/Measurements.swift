import Synchronization

/// Latencies of one kind of request, in seconds.
package struct Latencies: Sendable {
    package var samples: [Double] = []

    package init() {}

    package func percentile(_ fraction: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    package var median: Double? { percentile(0.5) }
}

/// What a run of stores did: instances acknowledged with success, their bytes, the wall time.
package struct StoreRun: Sendable {
    package var stored = 0
    package var failed = 0
    package var bytes = 0
    package var seconds = 0.0
    /// The first failure, for the report.
    package var firstFailure: String?

    package init() {}

    package var instancesPerSecond: Double { Double(stored) / seconds }
    package var megabytesPerSecond: Double { Double(bytes) / seconds / 1_000_000 }

    package mutating func add(_ other: StoreRun) {
        stored += other.stored
        failed += other.failed
        bytes += other.bytes
        firstFailure = firstFailure ?? other.firstFailure
    }
}

extension Duration {
    package var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// A small deterministic generator, so that every target is asked the same queries.
package struct SplitMix {
    var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// A counter shared by tasks and threads.
package final class Counter: Sendable {
    private let atomic = Atomic(0)

    package init() {}

    package var value: Int { atomic.load(ordering: .relaxed) }

    /// Adds one and returns the new value.
    @discardableResult
    package func increment() -> Int {
        atomic.wrappingAdd(1, ordering: .relaxed).newValue
    }
}

/// The largest value recorded, shared by tasks and threads (a sampler's peak).
package final class Maximum: Sendable {
    private let largest = Mutex(0)

    package init() {}

    package var value: Int { largest.withLock { $0 } }

    package func record(_ value: Int) {
        largest.withLock { $0 = max($0, value) }
    }
}
