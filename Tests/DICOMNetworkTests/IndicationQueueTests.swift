import NIOCore
import Synchronization
import Testing

@testable import DICOMNetwork

/// `IndicationQueue`, the client's road from its channel to the association's reader: order,
/// the end, reads that give way to cancellation only when asked to, and the held socket read
/// that must be restarted once the reader catches up.
@Suite("Indication queue")
struct IndicationQueueTests {
    typealias Indication = AssociationStateMachine.Indication

    static let first = Indication.data([
        PresentationDataValue(contextID: 1, isCommand: true, isLast: true, data: .init())
    ])
    static let second = Indication.releaseConfirm

    /// Polls `condition` for up to ten seconds (another thread makes it true).
    func settle(_ what: Comment, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(condition(), what)
    }

    @Test func deliversInOrderThenTheEnd() async throws {
        let queue = IndicationQueue()
        queue.append(Self.first)
        queue.append(Self.second)
        queue.finish()
        // Appended after the end: dropped.
        queue.append(.connectionLost)
        #expect(try await queue.next() == Self.first)
        #expect(try await queue.next() == Self.second)
        #expect(try await queue.next() == nil)
        #expect(try await queue.next() == nil)
    }

    @Test func aWaitingReadGetsWhatArrivesLater() async throws {
        let queue = IndicationQueue()
        async let read = queue.next()
        try await Task.sleep(for: .milliseconds(20))
        queue.append(Self.second)
        #expect(try await read == Self.second)

        async let end = queue.next()
        try await Task.sleep(for: .milliseconds(20))
        queue.finish()
        #expect(try await end == nil)
    }

    /// A cancelled task's cancellable read throws and takes nothing: what waited is read next,
    /// by a read that ignores the cancellation (the operation reading on after its C-CANCEL).
    @Test func aCancellableReadOfACancelledTaskLeavesTheQueueAsItWas() async throws {
        let queue = IndicationQueue()
        queue.append(Self.first)
        let read = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            queue.cancellable = true
            let cancelled: Bool
            do {
                _ = try await queue.next()
                cancelled = false
            } catch is OperationCancelled {
                cancelled = true
            }
            queue.cancellable = false
            return (cancelled, try await queue.next())
        }
        let (cancelled, next) = try await read.value
        #expect(cancelled)
        #expect(next == Self.first)
    }

    /// Cancelled while it waits: a cancellable read ends at once, the queue goes on.
    @Test func aWaitingCancellableReadEndsWhenItsTaskIsCancelled() async throws {
        let queue = IndicationQueue()
        queue.cancellable = true
        let read = Task { try await queue.next() }
        try await Task.sleep(for: .milliseconds(20))
        read.cancel()
        await #expect(throws: OperationCancelled.self) { try await read.value }
        queue.cancellable = false
        queue.append(Self.second)
        #expect(try await queue.next() == Self.second)
    }

    /// Other reads wait through cancellation for what comes (a response timeout bounds them).
    @Test func aPlainReadIgnoresCancellation() async throws {
        let queue = IndicationQueue()
        let read = Task { try await queue.next() }
        try await Task.sleep(for: .milliseconds(20))
        read.cancel()
        try await Task.sleep(for: .milliseconds(20))
        queue.append(Self.first)
        #expect(try await read.value == Self.first)
    }

    /// Past the high watermark the relay's socket read is held; the reader restarts it once,
    /// when it is down to the low watermark, and not before.
    @Test func aHeldReadIsRestartedAtTheLowWatermark() async throws {
        let queue = IndicationQueue(lowWatermark: 2, highWatermark: 4)
        let restarts = Counter()
        queue.setResumeReading { restarts.value.add(1, ordering: .relaxed) }
        for _ in 0..<3 { queue.append(Self.first) }
        #expect(queue.shouldRead())
        queue.append(Self.first)
        #expect(!queue.shouldRead())
        _ = try await queue.next()
        #expect(restarts.value.load(ordering: .relaxed) == 0)
        _ = try await queue.next()
        #expect(restarts.value.load(ordering: .relaxed) == 1)
        _ = try await queue.next()
        _ = try await queue.next()
        #expect(restarts.value.load(ordering: .relaxed) == 1)
        #expect(queue.shouldRead())
    }

    /// The channel's thread fills the queue while the reader drains it; every indication
    /// arrives once and in order, and no held read is left unrestarted.
    @Test(.timeLimit(.minutes(1))) func aFastChannelAndASlowReader() async throws {
        let queue = IndicationQueue(lowWatermark: 2, highWatermark: 16)
        // Whether the simulated relay holds its read of the socket.
        let held = Counter()
        queue.setResumeReading { held.value.store(0, ordering: .sequentiallyConsistent) }
        let count = 2_000
        let received = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask {
                var sent = 0
                while sent < count {
                    // As the relay does: no read of the socket, so no indication, until restarted.
                    if held.value.load(ordering: .sequentiallyConsistent) == 1 {
                        await Task.yield()
                        continue
                    }
                    held.value.store(1, ordering: .sequentiallyConsistent)
                    guard queue.shouldRead() else { continue }
                    held.value.store(0, ordering: .sequentiallyConsistent)
                    queue.append(Self.indication(sent))
                    sent += 1
                }
                queue.finish()
                return []
            }
            group.addTask {
                var received: [UInt8] = []
                while let indication = try await queue.next() {
                    if case .data(let values) = indication, let value = values.first {
                        received.append(value.contextID)
                    }
                    if received.count % 7 == 0 { await Task.yield() }
                }
                return received
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(received == (0..<count).map { UInt8(truncatingIfNeeded: $0) })
    }

    static func indication(_ number: Int) -> Indication {
        .data([
            PresentationDataValue(
                contextID: UInt8(truncatingIfNeeded: number), isCommand: true, isLast: true, data: .init())
        ])
    }
}

/// A number that closures on other threads change.
final class Counter: Sendable {
    let value = Atomic(0)
}
