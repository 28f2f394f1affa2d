import Synchronization

/// The C-STORE-RSPs to the sub-operations a C-GET sends on its own association (PS3.4
/// C.4.3.3): the association's reading loop delivers them here, the C-GET's task waits for
/// them. Also numbers those sub-operations' requests.
final class SubOperationResponses: Sendable {
    private struct State {
        var nextMessageID: UInt16 = 1
        /// Sent requests whose response has not been taken.
        var expected: Set<UInt16> = []
        /// Responses that came before their waiter.
        var arrived: [UInt16: CStoreResponse] = [:]
        var waiting: [UInt16: CheckedContinuation<CStoreResponse?, Never>] = [:]
    }

    private let state = Mutex(State())

    /// A message ID for a sub-operation's C-STORE-RQ, whose response is then expected.
    /// (IDs of our requests and of the peer's live in separate spaces: each side answers
    /// the other's with Message ID Being Responded To.)
    func expectNext() -> UInt16 {
        state.withLock { state in
            let id = state.nextMessageID
            state.nextMessageID = id == .max ? 1 : id + 1
            state.expected.insert(id)
            return id
        }
    }

    /// A C-STORE-RSP read on the association; one nobody expects is dropped.
    func deliver(_ response: CStoreResponse) {
        let id = response.messageIDBeingRespondedTo
        let waiter: CheckedContinuation<CStoreResponse?, Never>? = state.withLock { state in
            guard state.expected.contains(id) else { return nil }
            if let waiter = state.waiting.removeValue(forKey: id) {
                state.expected.remove(id)
                return waiter
            }
            state.arrived[id] = response
            return nil
        }
        waiter?.resume(returning: response)
    }

    /// The response to request `id`; nil when the waiting task is cancelled (the association
    /// ended).
    func response(to id: UInt16) async -> CStoreResponse? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: CStoreResponse?? = state.withLock { state in
                    if let arrived = state.arrived.removeValue(forKey: id) {
                        state.expected.remove(id)
                        return .some(arrived)
                    }
                    if Task.isCancelled {
                        state.expected.remove(id)
                        return .some(nil)
                    }
                    state.waiting[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.expected.remove(id)
                return state.waiting.removeValue(forKey: id)
            }
            waiter?.resume(returning: nil)
        }
    }
}
