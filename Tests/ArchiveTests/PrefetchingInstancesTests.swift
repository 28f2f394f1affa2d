import NIOCore
import Synchronization
import Testing

@testable import Archive

@Suite("Prefetching instances")
struct PrefetchingInstancesTests {
    /// Records what it is asked to prefetch, and which instance the consumer had when it was.
    final class RecordingBlobStore: BlobStore {
        let calls = Mutex<[[BlobKey]]>([])

        func prefetch(_ keys: [BlobKey], bytes: Int) async {
            calls.withLock { $0.append(keys) }
        }
        func put<Chunks: AsyncSequence>(_ key: BlobKey, chunks: Chunks) async throws -> Int
        where Chunks.Element == ByteBuffer { 0 }
        func get(_ key: BlobKey) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
            AsyncThrowingStream { $0.finish() }
        }
        func get(_ key: BlobKey, range: Range<Int>) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
            AsyncThrowingStream { $0.finish() }
        }
        func size(of key: BlobKey) async throws -> Int { 0 }
        func delete(_ key: BlobKey) async throws {}
        func list() -> AsyncThrowingStream<BlobInfo, any Error> { AsyncThrowingStream { $0.finish() } }
        func removeIncomplete(olderThan age: Double) async throws -> Int { 0 }
    }

    static func instances(_ count: Int, size: Int) throws -> [StoredInstance] {
        try (0..<count).map { number in
            StoredInstance(
                studyInstanceUID: "1.2", seriesInstanceUID: "1.2.3", sopInstanceUID: "1.2.3.\(number)",
                sopClassUID: "1.2.840.10008.5.1.4.1.1.2", transferSyntaxUID: "1.2.840.10008.1.2.1",
                blobKey: try #require(BlobKey("1.2/1.2.3.\(number).dcm")), size: size)
        }
    }

    @Test(
        "every instance comes in order, announced before it comes, in a few batches within the window",
        arguments: [(100, 512 << 10), (10, 64 << 20), (3, 1000), (1, 1000), (0, 1000)])
    func announcedAhead(count: Int, size: Int) async throws {
        let store = RecordingBlobStore()
        let stored = try Self.instances(count, size: size)
        let window = PrefetchingInstances<StoredInstanceList>.Window(count: 16, bytes: 16 << 20, bytesEach: 4 << 20)
        var received: [StoredInstance] = []
        for try await instance in PrefetchingInstances(base: StoredInstanceList(stored), blobs: store, window: window) {
            let announced = Array(store.calls.withLock { $0.joined() })
            // The first is read at once, so it is not announced; every other one is, before it comes.
            #expect(
                announced.contains(instance.blobKey) == !received.isEmpty,
                "\(instance.sopInstanceUID) announced: \(announced.contains(instance.blobKey))")
            // What is announced and not yet received stays within the window.
            let ahead = announced.count + 1 - received.count
            #expect(ahead <= window.count)
            #expect((ahead - 1) * min(size, window.bytesEach) < window.bytes)
            received.append(instance)
        }
        #expect(received == stored)
        let calls = store.calls.withLock { $0 }
        #expect(Array(calls.joined()) == stored.dropFirst().map(\.blobKey), "each blob announced once, in order")
        // Topped up when half the window is used: a call for every half window, not for each instance.
        let perWindow = min(window.count, window.bytes / min(size, window.bytesEach))
        #expect(calls.count <= 1 + count / (perWindow / 2))
        #expect(count > 1 || calls.isEmpty, "a single instance is read at once, with nothing to announce")
    }

    @Test("instances opened by position (C-GET, C-MOVE): each one after the first was announced before it was opened")
    func readAheadByPosition() async throws {
        let store = RecordingBlobStore()
        let stored = try Self.instances(40, size: 512 << 10)
        let readAhead = InstanceReadAhead(
            PrefetchingInstances(base: StoredInstanceList(stored), blobs: store, window: .init()))
        for (index, instance) in stored.enumerated() {
            let announced = Array(store.calls.withLock { $0.joined() })
            #expect(announced.contains(instance.blobKey) == (index > 0), "instance \(index)")
            await readAhead.reached(index)
            // A repeated or earlier position changes nothing.
            await readAhead.reached(index)
            await readAhead.reached(0)
        }
        #expect(Array(store.calls.withLock { $0.joined() }) == stored.dropFirst().map(\.blobKey))
    }
}
