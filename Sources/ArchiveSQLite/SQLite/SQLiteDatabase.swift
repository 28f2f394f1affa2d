import CSQLite
package import NIOPosix
import Synchronization

/// One SQLite connection for async code. A unit of work (a registration, a page of a query,
/// a whole group commit) runs on the thread pool in one trip, synchronously, so a
/// transaction of several statements costs one hop rather than one per statement.
package final class SQLiteDatabase: Sendable {
    private let session: Mutex<SQLiteSession?>
    private let threadPool: NIOThreadPool

    private init(session: sending SQLiteSession, threadPool: NIOThreadPool) {
        self.session = Mutex(session)
        self.threadPool = threadPool
    }

    /// Opens (creating if needed) the database file at `path`.
    package static func open(path: String, threadPool: NIOThreadPool = .singleton) async throws -> SQLiteDatabase {
        try await threadPool.runIfActive {
            SQLiteDatabase(session: try SQLiteSession(path: path), threadPool: threadPool)
        }
    }

    /// Runs `body` with the connection, on the thread pool, alone.
    package func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteSession) throws -> T) async throws -> T {
        try await threadPool.runIfActive {
            try self.session.withLock { session in
                guard let session else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed") }
                return try body(session)
            }
        }
    }

    /// The rows of one statement.
    package func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await run { try $0.rows(sql, binds) }
    }

    /// Closes the connection. Runs even when the calling task is cancelled (the async
    /// `runIfActive` would drop the work then, leaving the file open), and shutdown is exactly
    /// when a cancelled task closes the index.
    package func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            threadPool.submit { _ in
                self.session.withLock { session in
                    session?.close()
                    session = nil
                }
                continuation.resume()
            }
        }
    }
}
