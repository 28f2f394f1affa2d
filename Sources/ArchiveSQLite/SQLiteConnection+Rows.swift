import SQLiteNIO
import Synchronization

extension SQLiteConnection {
    /// The rows of one statement. SQLiteNIO's row-returning `query` hands every row to an event
    /// loop and completes a future there before the task resumes; this one collects the rows
    /// on the thread pool where the statement runs, one hop there and one back, which is most
    /// of what a small statement costs.
    func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        let collected = RowCollector()
        try await query(sql, binds) { row in collected.append(row) }
        return collected.rows
    }
}

/// The rows of a statement as the thread pool produces them.
private final class RowCollector: Sendable {
    private let storage = Mutex<[SQLiteRow]>([])

    func append(_ row: SQLiteRow) { storage.withLock { $0.append(row) } }
    var rows: [SQLiteRow] { storage.withLock { $0 } }
}
