import Synchronization

/// The operations of one association that run beside its reading (C-FIND), by message ID, so
/// that a C-CANCEL-RQ can reach them (PS3.7 §9.3.2.3).
final class OperationRegistry: Sendable {
    private let signals = Mutex<[UInt16: CancelSignal]>([:])

    /// A signal for the operation `messageID`, registered until `remove`.
    func register(messageID: UInt16) -> CancelSignal {
        let signal = CancelSignal()
        signals.withLock { $0[messageID] = signal }
        return signal
    }

    func remove(messageID: UInt16) {
        _ = signals.withLock { $0.removeValue(forKey: messageID) }
    }

    func cancel(messageID: UInt16) {
        signals.withLock { $0[messageID] }?.fire()
    }

    func cancelAll() {
        for signal in signals.withLock({ Array($0.values) }) { signal.fire() }
    }
}

/// A one-shot signal that one task waits for and another fires. Waiting ends early when the
/// waiting task is cancelled.
final class CancelSignal: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Void, Never>)
        case fired
    }

    private let state = Mutex(State.idle)

    var isFired: Bool {
        state.withLock { if case .fired = $0 { true } else { false } }
    }

    func fire() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            defer { state = .fired }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiter?.resume()
    }

    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow: Bool = state.withLock { state in
                    switch state {
                    case .fired: return true
                    case .idle, .waiting:
                        state = .waiting(continuation)
                        return false
                    }
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            fire()
        }
    }
}
