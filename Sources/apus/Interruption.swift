import Synchronization
import UnixSignals

/// Ctrl-C during a retrieval: the first SIGINT cancels the operation's task (a C-GET or C-MOVE
/// then sends C-CANCEL and returns the peer's final response), a second one runs `abort`, for
/// a peer that does not answer.
final class Interruption: Sendable {
    private let signals = Atomic<Int>(0)

    /// How many SIGINTs came while an operation ran.
    var count: Int { signals.load(ordering: .relaxed) }

    func run<T: Sendable>(
        _ operation: @escaping @Sendable () async throws -> T, abort: @escaping @Sendable () async -> Void
    ) async throws -> T {
        let sigint = await UnixSignalsSequence(trapping: .sigint)
        // Its own task, so that the first SIGINT cancels it alone; awaited below, never left behind.
        let task = Task { try await operation() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await _ in sigint {
                    if signals.wrappingAdd(1, ordering: .relaxed).newValue == 1 {
                        task.cancel()
                    } else {
                        await abort()
                        return
                    }
                }
            }
            defer { group.cancelAll() }
            return try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        }
    }
}
