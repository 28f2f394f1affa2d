import PostgresNIO
import Synchronization

extension PostgresIndexStore {
    /// `body` on a connection of the pool, which must come within `connectionWait`, else
    /// `PostgresIndexError.unavailable`. Only the wait is bounded: once `body` has its
    /// connection it runs as long as it takes.
    func leased<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = self.client
        let wait = configuration.connectionWait
        let lease = Lease()
        return try await withThrowingTaskGroup(of: LeaseEvent<T>.self) { group in
            group.addTask {
                .finished(
                    try await client.withConnection { connection in
                        lease.begin()
                        // A connection the server closed before the pool noticed: postgres-nio
                        // drops a query written to it, and that query never completes.
                        guard !connection.isClosed else { throw LeasedConnectionClosed() }
                        return try await body(connection)
                    })
            }
            group.addTask {
                try await Task.sleep(for: wait)
                return .waited
            }
            defer { group.cancelAll() }
            while let event = try await group.next() {
                switch event {
                case .finished(let value):
                    return value
                case .waited:
                    // Cancelling the operation withdraws its request from the pool's queue.
                    if !lease.began { throw PostgresIndexError.unavailable(waited: wait) }
                }
            }
            // The operation's task always ends the loop first, with its value or its error.
            throw PostgresIndexError.unavailable(waited: wait)
        }
    }
}

/// The pool gave out a connection that was closed already; the operation is run again.
struct LeasedConnectionClosed: Error {}

/// Whether an operation has got its connection yet.
private final class Lease: Sendable {
    private let state = Atomic<Bool>(false)

    func begin() { state.store(true, ordering: .releasing) }
    var began: Bool { state.load(ordering: .acquiring) }
}

private enum LeaseEvent<T: Sendable>: Sendable {
    case finished(T)
    case waited
}
