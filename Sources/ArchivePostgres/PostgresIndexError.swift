import PostgresNIO

/// Failures of the PostgreSQL index that are not a query's own error.
public enum PostgresIndexError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No connection at start-up (refused, timed out, TLS failed).
    case unreachable(host: String, port: Int?, reason: String)
    /// The database refused what start-up asked (authentication, permissions, a missing
    /// database), in the server's words.
    case database(String)
    /// A row or statement result that breaks what the schema guarantees.
    case internalInconsistency(String)
    /// The index was asked for something after `close()`.
    case closed
    /// No connection of the pool came free within the wait: PostgreSQL is down or restarting.
    /// Passing: the same request later may succeed.
    case unavailable(waited: Duration)

    public var description: String {
        switch self {
        case .unreachable(let host, let port, let reason):
            "cannot connect to the PostgreSQL server at \(host)\(port.map { ":\($0)" } ?? ""): \(reason)"
        case .database(let text): "PostgreSQL refused: \(text)"
        case .internalInconsistency(let detail): "PostgreSQL index inconsistent: \(detail)"
        case .closed: "PostgreSQL index is closed"
        case .unavailable(let waited):
            "no PostgreSQL connection within \(waited.components.seconds) s: the database is down or restarting"
        }
    }
}

/// PSQLError hides the server's message from `description` (it may carry data); logs and
/// start-up errors need it.
enum PostgresErrorText {
    static func describe(_ error: PSQLError) -> String {
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        if error.code == .sslUnsupported { return "the server does not accept TLS, which sslmode asks for" }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
