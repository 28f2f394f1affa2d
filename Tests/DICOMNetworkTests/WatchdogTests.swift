import NIOCore
import NIOPosix
import Testing

@testable import DICOMNetwork

/// `Watchdog`, the client's one timer: an overdue deadline aborts the association, a disarmed
/// one never does, and a deadline that moved on while its timer waited is waited for again.
/// Deadlines can only fire late on a loaded machine, never early, so every bound checked here
/// is a lower one, or a disarmed deadline.
@Suite("Client watchdog")
struct WatchdogTests {
    /// A client connection, with the PDU writer the watchdog's A-ABORT needs, to a listener that
    /// accepts and stays silent (no ARTIM of its own closes the connection on a slow run).
    func withChannel(_ body: (any Channel) async throws -> Void) async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { listener.close(promise: nil) }
        let port = try #require(listener.localAddress?.port)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(PDUWriter()) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        defer { channel.close(promise: nil) }
        try await body(channel)
    }

    /// Waits up to ten seconds for the watchdog to close the channel.
    func closed(_ channel: any Channel) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while channel.isActive, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return !channel.isActive
    }

    @Test func anOverdueDeadlineAborts() async throws {
        try await withChannel { channel in
            let watchdog = Watchdog(channel: channel)
            let start = ContinuousClock.now
            _ = watchdog.arm(.milliseconds(300))
            let isClosed = try await closed(channel)
            #expect(isClosed)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            #expect(watchdog.fired)
        }
    }

    @Test func disarmedInTimeItNeverFires() async throws {
        try await withChannel { channel in
            let watchdog = Watchdog(channel: channel)
            for _ in 0..<50 {
                let previous = watchdog.arm(.milliseconds(100))
                watchdog.disarm(restoring: previous)
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(channel.isActive)
            #expect(!watchdog.fired)
        }
    }

    /// The timer set for a short deadline finds a later one when it fires: it waits for that.
    @Test func aLaterDeadlineIsWaitedForAgain() async throws {
        try await withChannel { channel in
            let watchdog = Watchdog(channel: channel)
            watchdog.disarm(restoring: watchdog.arm(.milliseconds(100)))
            let start = ContinuousClock.now
            _ = watchdog.arm(.milliseconds(600))
            try await Task.sleep(for: .milliseconds(300))
            // Still open if this runs before the deadline (a loaded machine may wake us later).
            let active = channel.isActive
            if ContinuousClock.now - start < .milliseconds(600) { #expect(active) }
            let isClosed = try await closed(channel)
            #expect(isClosed)
            #expect(ContinuousClock.now - start >= .milliseconds(600))
            #expect(watchdog.fired)
        }
    }

    /// A timeout inside another gives back the outer deadline: the outer one still bounds.
    @Test func nestedTimeoutsRestoreTheOuterDeadline() async throws {
        try await withChannel { channel in
            let watchdog = Watchdog(channel: channel)
            let outer = watchdog.arm(.seconds(60))
            let inner = watchdog.arm(.milliseconds(100))
            watchdog.disarm(restoring: inner)
            try await Task.sleep(for: .milliseconds(400))
            #expect(channel.isActive)
            #expect(!watchdog.fired)
            watchdog.disarm(restoring: outer)

            let start = ContinuousClock.now
            _ = watchdog.arm(.milliseconds(300))
            // A longer inner timeout, over before the outer deadline.
            watchdog.disarm(restoring: watchdog.arm(.seconds(60)))
            let isClosed = try await closed(channel)
            #expect(isClosed)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
        }
    }
}
