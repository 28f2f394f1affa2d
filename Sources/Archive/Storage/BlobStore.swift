public import NIOCore

/// Where the archive keeps the bytes of instances: Part 10 files, each under a `BlobKey`.
/// Implemented by `FileBlobStore` (default), `S3BlobStore` (in ArchiveS3), and later by
/// PostgreSQL large objects; like Orthanc's storage area it creates, reads and removes
/// whole objects and nothing else.
public protocol BlobStore: Sendable {
    /// Writes the chunks under `key` and returns the size once the blob is durable. Until
    /// then no reader sees anything under `key`; a blob already there is replaced at once.
    /// A failed or cancelled put leaves nothing under `key`.
    func put<Chunks: AsyncSequence>(_ key: BlobKey, chunks: Chunks) async throws -> Int
    where Chunks.Element == ByteBuffer

    /// The blob's bytes in chunks, read as they are consumed. Throws `notFound` up front.
    func get(_ key: BlobKey) async throws -> AsyncThrowingStream<ByteBuffer, any Error>

    /// Bytes `range` of the blob (clamped to its end), in chunks.
    func get(_ key: BlobKey, range: Range<Int>) async throws -> AsyncThrowingStream<ByteBuffer, any Error>

    func size(of key: BlobKey) async throws -> Int

    /// Removes the blob; removing a blob that isn't there succeeds.
    func delete(_ key: BlobKey) async throws

    /// Every blob, in no particular order, for orphan sweeps.
    func list() -> AsyncThrowingStream<BlobInfo, any Error>

    /// Removes the leftovers of puts that never finished (temporary files, incomplete
    /// multipart uploads) older than `age` seconds; returns how many.
    func removeIncomplete(olderThan age: Double) async throws -> Int

    /// A hint that the first `bytes` of these blobs will be read soon, in this order: a store
    /// that can start reading ahead does, so that the reads overlap with what the reader does
    /// meanwhile. Never fails; a blob that is not there is reported by the `get` that follows.
    func prefetch(_ keys: [BlobKey], bytes: Int) async
}

extension BlobStore {
    /// Reads nothing ahead: an object store's request starts when its `get` does.
    public func prefetch(_ keys: [BlobKey], bytes: Int) async {}

    /// Writes one buffer.
    public func put(_ key: BlobKey, bytes: ByteBuffer) async throws -> Int {
        try await put(key, chunks: ByteBufferChunks([bytes]))
    }

    /// The whole blob in one buffer, for small blobs and tests.
    public func read(_ key: BlobKey) async throws -> ByteBuffer {
        var result = ByteBuffer()
        for try await chunk in try await get(key) {
            var chunk = chunk
            result.writeBuffer(&chunk)
        }
        return result
    }
}

/// A blob as a listing sees it.
public struct BlobInfo: Sendable, Hashable {
    public var key: BlobKey
    public var size: Int
    /// Last modification, in seconds since 1970; sweeps leave recent blobs alone, since they
    /// may belong to a store still in progress.
    public var modified: Double

    public init(key: BlobKey, size: Int, modified: Double) {
        self.key = key
        self.size = size
        self.modified = modified
    }
}

/// Buffers already in memory as an async sequence of chunks.
public struct ByteBufferChunks: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    /// The bytes, for a store that writes them at once rather than chunk by chunk.
    public let buffers: [ByteBuffer]

    public init(_ buffers: [ByteBuffer]) {
        self.buffers = buffers
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<ByteBuffer>

        public mutating func next() async -> ByteBuffer? {
            remaining.popFirst()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: buffers[...]) }
}
