import NIOCore
import Synchronization

/// The connections a listener accepted that no session has taken yet. NIO wraps each in an
/// async channel as it is accepted, and traps when one is dropped with its writer open, which
/// a listener closed at shutdown does with the ones still on their way to the accept loop.
/// Closing them first finishes their writers, so shutdown closes these, refuses any accepted
/// after, and only then closes the listener.
final class AcceptedConnections: Sendable {
    private struct State {
        var closing = false
        var untaken: [ObjectIdentifier: any Channel] = [:]
    }

    private let state = Mutex(State())

    /// Records a connection just accepted; false once shutting down, and it is to be refused.
    func admit(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.closing else { return false }
            state.untaken[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    /// A session has the connection now and closes it itself.
    func take(_ channel: any Channel) {
        _ = state.withLock { $0.untaken.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Refuses connections from now on and closes those not taken; the future completes once
    /// they are closed.
    func closeUntaken(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let channels = state.withLock { state in
            state.closing = true
            defer { state.untaken = [:] }
            return Array(state.untaken.values)
        }
        return EventLoopFuture.andAllComplete(channels.map { $0.close() }, on: eventLoop)
    }
}
