import NIOCore
import Synchronization

/// The indications of a client's channel on their way to the association's reader, in order.
///
/// Backpressure: once `highWatermark` indications wait unread, the channel stops reading from
/// the socket (its `IndicationRelay` holds the read) until the reader is down to
/// `lowWatermark`, so a C-GET bringing back more than the receiver keeps up with never piles
/// up in memory.
///
/// Cancellation is the reader's choice, read by read: while `cancellable` is set (a C-GET,
/// C-MOVE or C-FIND waiting for its next message), a cancelled task's read throws
/// `OperationCancelled` and the queue stays as it was, so the operation can send C-CANCEL and
/// read on; other reads ignore cancellation (a response timeout bounds them). Cancellation
/// never ends the queue: only the channel closing does.
final class IndicationQueue: Sendable {
    typealias Indication = AssociationStateMachine.Indication

    private struct State {
        var items: [Indication] = []
        var head = 0
        var finished = false
        var waiter: CheckedContinuation<Indication?, any Error>?
        /// Whether the current read gives way to cancellation.
        var cancellable = false
        /// The waiting read's task was cancelled (its handler ran).
        var cancelSeen = false
        /// The relay held a read of the socket: the reader must restart it.
        var readHeld = false

        var count: Int { items.count - head }

        mutating func pop() -> Indication? {
            guard head < items.count else { return nil }
            let item = items[head]
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            }
            return item
        }
    }

    private let state = Mutex(State())
    private let lowWatermark: Int
    private let highWatermark: Int
    /// Restarts reading from the socket after a held read; set once the channel exists.
    private let resumeReading = Mutex<(@Sendable () -> Void)?>(nil)

    init(lowWatermark: Int = 2, highWatermark: Int = 16) {
        self.lowWatermark = lowWatermark
        self.highWatermark = highWatermark
    }

    func setResumeReading(_ resume: @escaping @Sendable () -> Void) {
        resumeReading.withLock { $0 = resume }
    }

    /// Whether reads of the reader from now on give way to cancellation.
    var cancellable: Bool {
        get { state.withLock { $0.cancellable } }
        set { state.withLock { $0.cancellable = newValue } }
    }

    // MARK: The channel's side (its event loop)

    func append(_ indication: Indication) {
        let waiter: CheckedContinuation<Indication?, any Error>? = state.withLock { state in
            guard !state.finished else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.items.append(indication)
            return nil
        }
        waiter?.resume(returning: indication)
    }

    func finish() {
        let waiter: CheckedContinuation<Indication?, any Error>? = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Asked by the relay before each read of the socket: false holds it until the reader
    /// catches up.
    func shouldRead() -> Bool {
        state.withLock { state in
            guard state.count >= highWatermark else { return true }
            state.readHeld = true
            return false
        }
    }

    // MARK: The reader's side

    private enum Answer {
        case item(Indication?, resumeReading: Bool)
        case cancelled
        case wait
    }

    func next() async throws -> Indication? {
        // Most reads find an indication waiting: no continuation for those.
        let first = state.withLock { state in
            state.cancelSeen = false
            return take(&state, cancelled: Task.isCancelled)
        }
        if let value = try answer(first) { return value }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let second = state.withLock { state in
                    let cancelled = state.cancelSeen || Task.isCancelled
                    let answer = take(&state, cancelled: cancelled)
                    if case .wait = answer { state.waiter = continuation }
                    return answer
                }
                do {
                    if let value = try answer(second) { continuation.resume(returning: value) }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Indication?, any Error>? = state.withLock { state in
                state.cancelSeen = true
                guard state.cancellable, let waiter = state.waiter else { return nil }
                state.waiter = nil
                return waiter
            }
            waiter?.resume(throwing: OperationCancelled())
        }
    }

    private func take(_ state: inout State, cancelled: Bool) -> Answer {
        if state.cancellable, cancelled { return .cancelled }
        if let item = state.pop() {
            let resume = state.readHeld && state.count <= lowWatermark
            if resume { state.readHeld = false }
            return .item(item, resumeReading: resume)
        }
        if state.finished { return .item(nil, resumeReading: false) }
        return .wait
    }

    /// The value to return (`.some(nil)` at the end), or nil to wait.
    private func answer(_ answer: Answer) throws -> Indication?? {
        switch answer {
        case .item(let item, let resume):
            if resume { resumeReading.withLock { $0 }?() }
            return .some(item)
        case .cancelled:
            throw OperationCancelled()
        case .wait:
            return nil
        }
    }

    struct Iterator: AsyncIteratorProtocol {
        let queue: IndicationQueue

        func next() async throws -> Indication? {
            try await queue.next()
        }
    }
}

/// A cancellable read of a client operation met its task's cancellation.
struct OperationCancelled: Error, Sendable {}
