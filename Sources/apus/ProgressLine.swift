import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One line on standard error, redrawn in place, when standard error is a terminal; nothing
/// otherwise (scripts and logs get the summary only).
struct ProgressLine {
    let isEnabled: Bool
    private let clock = ContinuousClock()
    private var lastDrawn: ContinuousClock.Instant?
    private var isShown = false

    init(isEnabled: Bool = isatty(2) == 1) {
        self.isEnabled = isEnabled
    }

    /// Redraws the line, at most ten times a second.
    mutating func show(_ text: @autoclosure () -> String) {
        guard isEnabled else { return }
        let now = clock.now
        if let lastDrawn, now - lastDrawn < .milliseconds(100) { return }
        lastDrawn = now
        write("\r\u{1B}[K" + text())
        isShown = true
    }

    /// Removes the line, so that other messages start on a clean one.
    mutating func clear() {
        guard isShown else { return }
        write("\r\u{1B}[K")
        isShown = false
        lastDrawn = nil
    }

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// A `ProgressLine` that callbacks on other tasks draw.
final class SharedProgressLine: Sendable {
    private let line = Mutex(ProgressLine())

    func show(_ text: @autoclosure () -> String) {
        line.withLock { $0.show(text()) }
    }

    func clear() {
        line.withLock { $0.clear() }
    }
}
