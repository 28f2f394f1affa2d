import DICOM
import DICOMNetwork
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Cancelling `DICOMServer.run()`: it stops accepting, lets the operation under way answer,
/// then aborts the associations and returns.
@Suite("Server shutdown")
struct ServerShutdownTests {
    /// Reads the whole data set, says so, then takes a while to "commit" it, whatever the
    /// cancellation (as a store that must not leave half a file would).
    final class SlowStorage: StorageService {
        let arrived: AsyncStream<Void>.Continuation

        init(arrived: AsyncStream<Void>.Continuation) {
            self.arrived = arrived
        }

        func store(_ request: CStoreRequest, dataSet: DataSetStream, context: AssociationContext) async throws
            -> ServiceResult
        {
            for try await _ in dataSet {}
            arrived.yield()
            await withCheckedContinuation { continuation in
                _ = MultiThreadedEventLoopGroup.singleton.next().scheduleTask(in: .milliseconds(300)) {
                    continuation.resume()
                }
            }
            return .success
        }
    }

    struct Outcome: Sendable {
        var store: DIMSEStatus?
        var afterwards: DICOMClientError?
    }

    /// Ends `done` when it returns or throws, so that the test never waits for a store that
    /// will not come.
    static func client(port: AsyncStream<Int>, done: AsyncStream<Void>.Continuation) async throws -> Outcome {
        defer { done.finish() }
        var ports = port.makeAsyncIterator()
        guard let port = await ports.next() else { return Outcome() }
        let association = try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS",
            presentationContexts: [.verification, ProposedPresentationContext(abstractSyntax: .ctImageStorage)])
        var outcome = Outcome()
        outcome.store = try await association.store(
            dataSet: ByteBuffer(repeating: 7, count: 200_000), sopClass: .ctImageStorage,
            sopInstance: UID(unchecked: "1.2.3"), transferSyntax: .explicitVRLittleEndian)
        do {
            _ = try await association.echo()
        } catch let error as DICOMClientError {
            outcome.afterwards = error
        }
        return outcome
    }

    @Test func inFlightStoreIsAnsweredThenTheAssociationAborted() async throws {
        let (arrivals, arrived) = AsyncStream.makeStream(of: Void.self)
        let (ports, portFound) = AsyncStream.makeStream(of: Int.self)
        let server = DICOMServer(
            configuration: .init(host: "127.0.0.1", port: 0, policy: testPolicy()),
            storage: SlowStorage(arrived: arrived))
        async let outcome = Self.client(port: ports, done: arrived)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run { address in portFound.yield(address.port ?? 0) }
            }
            // The client fails or the data set arrives: either way the server is stopped.
            var waiting = arrivals.makeAsyncIterator()
            _ = await waiting.next()
            group.cancelAll()
            try await group.waitForAll()
        }
        let result = try await outcome
        #expect(result.store == .success)
        #expect(result.afterwards == .ended(.aborted(.serviceUser)), "\(String(describing: result.afterwards))")
    }

    @Test func idleAssociationsAreAbortedAndRunReturns() async throws {
        let (ports, portFound) = AsyncStream.makeStream(of: Int.self)
        let server = DICOMServer(configuration: .init(host: "127.0.0.1", port: 0, policy: testPolicy()))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run { address in portFound.yield(address.port ?? 0) }
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS")
            group.cancelAll()
            try await group.waitForAll()
            await #expect(throws: DICOMClientError.self) { try await association.echo() }
            // Nothing listens any more.
            await #expect(throws: (any Error).self) {
                _ = try await DICOMClient.connect(
                    host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS")
            }
        }
    }

    /// Connections that arrive as the server is cancelled: NIO may have accepted some that the
    /// accept loop has not taken yet. None may be dropped with its writer open, which NIO traps
    /// on (a replica crashed so on SIGTERM under load), and each one made before the
    /// cancellation must be closed. The race needs a burst of connections at the moment of
    /// cancellation, so it is run several times. One made after, racing the listener's close,
    /// stayed open in 3 of about 5,000 rounds; it is counted, not required.
    @Test func connectionsArrivingAtShutdownAreClosed() async throws {
        for _ in 0..<10 {
            let (ports, portFound) = AsyncStream.makeStream(of: Int.self)
            let server = DICOMServer(configuration: .init(host: "127.0.0.1", port: 0, policy: testPolicy()))
            let connections = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await server.run { address in portFound.yield(address.port ?? 0) }
                }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                var connections: [any Channel] = []
                for _ in 0..<32 {
                    guard
                        let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                            .connect(host: "127.0.0.1", port: port).get()
                    else { break }
                    connections.append(channel)
                    if connections.count == 24 { group.cancelAll() }
                }
                try await group.waitForAll()
                return connections
            }
            #expect(connections.count >= 24)
            var leftOpen: [Int] = []
            for (index, connection) in connections.enumerated() {
                // Closed by the server, not left open until the fallback closes it here.
                let started = ContinuousClock.now
                let fallback = connection.eventLoop.scheduleTask(in: .seconds(5)) { connection.close(promise: nil) }
                try? await connection.closeFuture.get()
                fallback.cancel()
                if started.duration(to: .now) >= .seconds(5) { leftOpen.append(index) }
            }
            #expect(leftOpen.allSatisfy { $0 >= 24 }, "connections left open: \(leftOpen)")
            if !leftOpen.isEmpty { print("connections made after the cancellation and left open: \(leftOpen)") }
        }
    }
}
