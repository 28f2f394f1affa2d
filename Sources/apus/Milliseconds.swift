import Foundation

/// Durations as people read them in the commands' output.
enum Milliseconds {
    static func value(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }

    /// `0.412 ms`.
    static func text(_ duration: Duration) -> String {
        String(format: "%.3f ms", value(duration))
    }

    /// `round trip: min 0.301 ms, median 0.412 ms, max 1.020 ms (10 C-ECHOs)`.
    static func statistics(_ durations: [Duration]) -> String {
        let sorted = durations.sorted()
        guard let low = sorted.first, let high = sorted.last else { return "no round trips" }
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return "round trip: min \(text(low)), median \(text(median)), max \(text(high)) "
            + "(\(sorted.count) C-ECHOs)"
    }
}
