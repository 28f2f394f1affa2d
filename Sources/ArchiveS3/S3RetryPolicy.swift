/// Exponential backoff with full jitter (AWS's recommendation: a random wait between 0 and
/// `min(maximumDelay, baseDelay * 2^attempt)`), so that replicas throttled together do not
/// retry together.
public struct S3RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    public var baseDelay: Double
    public var maximumDelay: Double

    public init(maximumAttempts: Int = 5, baseDelay: Double = 0.1, maximumDelay: Double = 5) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maximumDelay = max(0, maximumDelay)
    }

    /// Seconds to wait before attempt `attempt + 1` (attempt counts from 1).
    func delay(afterAttempt attempt: Int) -> Double {
        let ceiling = min(maximumDelay, baseDelay * Double(1 << min(attempt, 20)))
        return ceiling > 0 ? Double.random(in: 0...ceiling) : 0
    }

    /// S3's answers that mean "try again": server errors (but 501, an operation the server
    /// lacks, which no retry brings), throttling, and the codes S3 sends for them when the
    /// status alone is ambiguous.
    static func isRetryable(status: Int, code: String?) -> Bool {
        if status == 501 || code == "NotImplemented" { return false }
        if status >= 500 || status == 429 { return true }
        switch code {
        case "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling", "RequestTimeTooSkewed":
            return true
        default:
            return false
        }
    }
}
