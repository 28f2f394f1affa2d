import NIOCore
import Synchronization

/// The timeouts of one client association: while armed, the association is aborted if the
/// deadline passes. Arming and disarming only store a deadline; the one timer on the event
/// loop fires at the earliest deadline it knows and, if the deadline has moved on meanwhile,
/// waits again. So an operation costs no timer of its own (scheduling and cancelling one per
/// response took two trips to the event loop).
final class Watchdog: Sendable {
    private struct State {
        var deadline: NIODeadline?
        /// When the timer on the event loop fires, if one is scheduled.
        var timer: NIODeadline?
        var fired = false
    }

    private let state = Mutex(State())
    private let channel: any Channel

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Whether a deadline passed: the association was aborted for it.
    var fired: Bool { state.withLock { $0.fired } }

    /// Arms the watchdog for `timeout` from now; returns the deadline it replaces, to be given
    /// back to `disarm` (nested timeouts).
    func arm(_ timeout: Duration) -> NIODeadline? {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let (previous, schedule) = state.withLock { state -> (NIODeadline?, Bool) in
            let previous = state.deadline
            state.deadline = deadline
            guard state.timer.map({ $0 > deadline }) ?? true else { return (previous, false) }
            state.timer = deadline
            return (previous, true)
        }
        if schedule { scheduleCheck(at: deadline) }
        return previous
    }

    func disarm(restoring previous: NIODeadline?) {
        let schedule = state.withLock { state -> Bool in
            state.deadline = previous
            guard let previous, state.timer.map({ $0 > previous }) ?? true else { return false }
            state.timer = previous
            return true
        }
        if schedule, let previous { scheduleCheck(at: previous) }
    }

    private func scheduleCheck(at deadline: NIODeadline) {
        channel.eventLoop.scheduleTask(deadline: deadline) { [self] in check() }
    }

    private func check() {
        enum Next {
            case nothing
            case wait(NIODeadline)
            case abort
        }
        let next = state.withLock { state -> Next in
            let now = NIODeadline.now()
            // Another, earlier timer may be pending; this one only acts if it is the latest.
            guard let timer = state.timer, timer <= now else { return .nothing }
            state.timer = nil
            guard let deadline = state.deadline else { return .nothing }
            guard deadline <= now else {
                state.timer = deadline
                return .wait(deadline)
            }
            state.fired = true
            return .abort
        }
        switch next {
        case .nothing:
            break
        case .wait(let deadline):
            scheduleCheck(at: deadline)
        case .abort:
            channel.writeAndFlush(PDU.abort(.serviceUser), promise: nil)
            channel.close(promise: nil)
        }
    }
}
