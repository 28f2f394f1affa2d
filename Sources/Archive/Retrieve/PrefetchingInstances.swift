/// Instances in the order given, each one's blob announced to the blob store (`prefetch`) a
/// few instances before the consumer reaches it, so that the files store reads the next ones
/// from the disk while this one is sent. Right after a study was stored (its files written
/// past the page cache), one file read after the other left the disk mostly idle.
///
/// The announced window holds at most `count` instances and `bytes` of their first bytes
/// (`bytesEach` of each), and is topped up when half of it has been consumed, so that the
/// store is asked once every few instances, not once for each.
public struct PrefetchingInstances<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element == StoredInstance {
    public typealias Element = StoredInstance

    let base: Base
    let blobs: any BlobStore
    let window: Window

    struct Window: Sendable {
        var count = 16
        var bytes = 16 << 20
        var bytesEach = 4 << 20
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let blobs: any BlobStore
        let window: Window
        /// Pulled from the base and announced, not yet handed out.
        var ahead: [StoredInstance] = []
        /// Top up when this few announced instances are left: half of what the last top-up left.
        var refillAt = 0
        var baseEnded = false

        public mutating func next() async throws -> StoredInstance? {
            if !baseEnded, ahead.count <= refillAt {
                try await topUp()
                refillAt = ahead.count / 2
            }
            guard !ahead.isEmpty else { return nil }
            return ahead.removeFirst()
        }

        private mutating func topUp() async throws {
            // With nothing announced left, the first instance pulled is handed out at once and
            // read straight away: announcing it would only delay that (a single instance's
            // retrieval then asks the store nothing).
            let firstIsNext = ahead.isEmpty
            var bytes = ahead.reduce(0) { $0 + announcedSize($1) }
            var added: [BlobKey] = []
            while ahead.count < window.count, bytes < window.bytes || added.isEmpty {
                guard let instance = try await base.next() else {
                    baseEnded = true
                    break
                }
                ahead.append(instance)
                bytes += announcedSize(instance)
                added.append(instance.blobKey)
            }
            let keys = firstIsNext ? Array(added.dropFirst()) : added
            if !keys.isEmpty { await blobs.prefetch(keys, bytes: window.bytesEach) }
        }

        private func announcedSize(_ instance: StoredInstance) -> Int {
            Swift.min(instance.size, window.bytesEach)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), blobs: blobs, window: window)
    }
}

extension PrefetchingInstances.AsyncIterator: Sendable where Base.AsyncIterator: Sendable {}

extension Archive {
    /// The instances, their blobs read ahead of the consumer where the blob store can
    /// (`PrefetchingInstances`): for retrievals that send instance after instance.
    public func prefetching<Instances: AsyncSequence & Sendable>(
        _ instances: Instances
    ) -> PrefetchingInstances<Instances> where Instances.Element == StoredInstance {
        PrefetchingInstances(base: instances, blobs: blobs, window: .init())
    }
}
