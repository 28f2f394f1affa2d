import Synchronization

/// The one connection that writes, with group commit: work arriving while a transaction
/// runs waits, and the next transaction takes all of it (up to `maximumBatch`), each piece
/// in its own savepoint. With `synchronous=FULL` a commit costs an fsync of the WAL; sharing
/// it is what lets one SQLite file keep up with several associations storing at once.
///
/// No background task: the caller whose work finds the connection idle runs the
/// transaction, then hands the turn to the longest waiter, whose work was not in it. The
/// pieces are synchronous: a whole transaction is one trip to the thread pool.
actor SQLiteWriter {
    typealias Work = @Sendable (SQLiteSession) throws -> Void

    private enum Signal {
        case finished(Result<Void, any Error>)
        case yourTurn
    }

    private struct Waiter {
        let work: Work
        let continuation: CheckedContinuation<Signal, Never>
    }

    let connection: SQLiteDatabase
    private let maximumBatch: Int
    private var waiters: [Waiter] = []
    private var busy = false

    init(connection: SQLiteDatabase, maximumBatch: Int) {
        self.connection = connection
        self.maximumBatch = max(1, maximumBatch)
    }

    /// Runs `body` in a transaction (shared with other work) and returns its result once
    /// the transaction has committed.
    func perform<T: Sendable>(_ body: @escaping @Sendable (SQLiteSession) throws -> T) async throws -> T {
        let box = ResultBox<T>()
        try await run { session in box.set(try body(session)) }
        guard let value = box.value else {
            throw SQLiteIndexError.internalInconsistency("work finished without result")
        }
        return value
    }

    private func run(_ work: @escaping Work) async throws {
        if busy {
            let signal = await withCheckedContinuation { continuation in
                waiters.append(Waiter(work: work, continuation: continuation))
            }
            if case .finished(let result) = signal { return try result.get() }
        }
        busy = true
        let others = Array(waiters.prefix(maximumBatch - 1))
        waiters.removeFirst(others.count)
        let results = await transaction([work] + others.map(\.work))
        for (waiter, result) in zip(others, results.dropFirst()) {
            waiter.continuation.resume(returning: .finished(result))
        }
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().continuation.resume(returning: .yourTurn)
        }
        try results[0].get()
    }

    /// One transaction; a failing piece rolls back to its savepoint and fails alone. A
    /// failed commit fails them all.
    private func transaction(_ works: [Work]) async -> [Result<Void, any Error>] {
        do {
            return try await connection.run { session in Self.transaction(works, on: session) }
        } catch {
            return works.map { _ in .failure(error) }
        }
    }

    private static func transaction(_ works: [Work], on session: SQLiteSession) -> [Result<Void, any Error>] {
        do {
            try session.execute("BEGIN IMMEDIATE")
        } catch {
            return works.map { _ in .failure(error) }
        }
        var results: [Result<Void, any Error>] = []
        for work in works {
            do {
                if works.count > 1 { try session.execute("SAVEPOINT work") }
                try work(session)
                if works.count > 1 { try session.execute("RELEASE work") }
                results.append(.success(()))
            } catch {
                if works.count > 1 {
                    try? session.execute("ROLLBACK TO work")
                    try? session.execute("RELEASE work")
                } else {
                    try? session.execute("ROLLBACK")
                    return [.failure(error)]
                }
                results.append(.failure(error))
            }
        }
        do {
            try session.execute("COMMIT")
        } catch {
            try? session.execute("ROLLBACK")
            return works.map { _ in .failure(error) }
        }
        return results
    }
}

/// Carries a result out of a `@Sendable` closure.
private final class ResultBox<T: Sendable>: Sendable {
    private let storage = Mutex<T?>(nil)

    func set(_ value: T) { storage.withLock { $0 = value } }
    var value: T? { storage.withLock { $0 } }
}
