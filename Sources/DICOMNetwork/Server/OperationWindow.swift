import Synchronization

/// The requests of one association under way at once, up to the negotiated asynchronous
/// operations window (PS3.7 D.3.3.3): reading waits for a free place before it starts the
/// next one, and waits for all to finish before a request that must see their results.
final class OperationWindow: Sendable {
    private struct State {
        var running = 0
        var waitingForPlace: [CheckedContinuation<Void, Never>] = []
        var waitingForIdle: [CheckedContinuation<Void, Never>] = []
    }

    let size: Int
    private let state = Mutex(State())

    init(size: Int) {
        self.size = max(1, size)
    }

    /// Takes a place, waiting for one to be released when all are taken.
    func acquire() async {
        await withCheckedContinuation { continuation in
            let now: Bool = state.withLock { state in
                guard state.running < size else {
                    state.waitingForPlace.append(continuation)
                    return false
                }
                state.running += 1
                return true
            }
            if now { continuation.resume() }
        }
    }

    /// Gives a place back: to the longest waiter if any, which keeps it running.
    func release() {
        let (next, idle): (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) = state.withLock {
            state in
            if !state.waitingForPlace.isEmpty { return (state.waitingForPlace.removeFirst(), []) }
            state.running -= 1
            guard state.running == 0 else { return (nil, []) }
            defer { state.waitingForIdle = [] }
            return (nil, state.waitingForIdle)
        }
        next?.resume()
        for waiter in idle { waiter.resume() }
    }

    /// Returns once nothing is under way.
    func drain() async {
        await withCheckedContinuation { continuation in
            let now: Bool = state.withLock { state in
                guard state.running > 0 else { return true }
                state.waitingForIdle.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}
