import Logging
import PostgresNIO

extension PostgresIndexStore {
    /// Runs a transaction, again when PostgreSQL says it failed for a transient reason: a
    /// serialization failure or deadlock (the other side committed; the retry sees its rows),
    /// a lost connection while the server restarts (the pool connects anew), or a row a
    /// concurrent registration committed first. Each attempt is all or nothing; after the
    /// last, the error goes to the caller, which reports a failure the peer may retry.
    func transaction<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Transaction<T>
    ) async throws -> T {
        try checkOpen()
        let logger = self.logger
        var delay = configuration.retryDelay
        var attempt = 1
        while true {
            do {
                return try await leased { connection in
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        let result = try await body(connection)
                        switch result {
                        case .commit(let value):
                            try await connection.query("COMMIT", logger: logger)
                            return value
                        case .rollback(let value):
                            try await connection.query("ROLLBACK", logger: logger)
                            return value
                        }
                    } catch {
                        // On a connection that is gone the server has rolled back already, and a
                        // query sent on it after PostgreSQL restarted at times never completed.
                        if !connection.isClosed && !Self.isConnectionLost(error) {
                            _ = try? await connection.query("ROLLBACK", logger: logger)
                        }
                        throw error
                    }
                }
            } catch let error where Self.isTransient(error) && attempt < configuration.attempts {
                logger.notice(
                    "index transaction retried",
                    metadata: ["operation": "\(operation)", "attempt": "\(attempt)", "reason": "\(Self.reason(error))"])
                try await Task.sleep(for: delay)
                delay *= 2
                attempt += 1
            }
        }
    }

    /// A read on a connection of its own, retried as `transaction` is when the connection was lost.
    func reading<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try checkOpen()
        var delay = configuration.retryDelay
        var attempt = 1
        while true {
            do {
                return try await leased(body)
            } catch let error where Self.isTransient(error) && attempt < configuration.attempts {
                try await Task.sleep(for: delay)
                delay *= 2
                attempt += 1
            }
        }
    }

    /// The session is over: the connection broke or could not be made, or the server ended it
    /// (57P01…57P03 shutting down or starting, class 08 connection exceptions). A statement
    /// sent on a connection that is closing because the server ended it fails as closed by the
    /// client, with the server's reason underneath (seen under load when a restart's FATAL
    /// arrived between two statements); closed for another reason, it is not retried.
    static func isConnectionLost(_ error: any Error) -> Bool {
        if error is LeasedConnectionClosed { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .connectionError, .uncleanShutdown:
            return true
        case .clientClosedConnection:
            return error.underlying.map(isConnectionLost) ?? false
        case .server:
            guard let state = error.serverInfo?[.sqlState] else { return false }
            return ["57P01", "57P02", "57P03"].contains(state) || state.hasPrefix("08")
        default:
            return false
        }
    }

    static func isTransient(_ error: any Error) -> Bool {
        if error is RetryableConflict || isConnectionLost(error) { return true }
        // 40001 serialization_failure, 40P01 deadlock_detected, 23505 unique_violation (a
        // concurrent insert won), 23503 foreign_key_violation (a delete removed the series or
        // study a registration had found; run again, it makes them anew).
        guard let error = error as? PSQLError, error.code == .server, let state = error.serverInfo?[.sqlState] else {
            return false
        }
        return ["40001", "40P01", "23505", "23503"].contains(state)
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError { return PostgresErrorText.describe(error) }
        return "\(error)"
    }
}

/// How a transaction body ends: committed, or rolled back with an answer (a refusal found
/// after rows were written).
enum Transaction<T: Sendable>: Sendable {
    case commit(T)
    case rollback(T)
}

/// A row that a concurrent transaction committed between our check and our insert: the
/// transaction is run again and takes the other path.
struct RetryableConflict: Error {}
