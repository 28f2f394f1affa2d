import Logging
import PostgresNIO

/// A prepared statement whose binds the caller makes, in the order its SQL numbers them.
protocol BoundStatement: PostgresPreparedStatement {
    var bindings: PostgresBindings { get }
}

extension BoundStatement {
    func makeBindings() throws -> PostgresBindings { bindings }
}

extension BoundStatement where Row == Int {
    func decodeRow(_ row: PostgresRow) throws -> Int { try row.decode(Int.self) }
}

extension BoundStatement where Row == () {
    func decodeRow(_ row: PostgresRow) throws {}
}

extension AsyncSequence {
    /// Every element: the rows of a statement are read to the end before the connection
    /// takes the next one.
    func collected() async throws -> [Element] {
        try await reduce(into: []) { $0.append($1) }
    }
}

extension PostgresConnection {
    /// Runs a prepared statement and reads all its rows. postgres-nio keeps a statement whose
    /// preparation failed (a lock wait cut short, a deadlock) failed for the rest of the
    /// connection's life, so after any error the connection is closed: the pool replaces it,
    /// and a retry runs on a fresh one.
    func run<Statement: BoundStatement>(_ statement: Statement, logger: Logger) async throws -> [Statement.Row] {
        do {
            return try await execute(statement, logger: logger).collected()
        } catch {
            try? await close()
            throw error
        }
    }
}
