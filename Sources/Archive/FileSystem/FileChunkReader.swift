import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one open file in chunks, one `pread` per chunk, as a stream's consumer asks. The
/// descriptor is closed at the end of the range, on an error, or when the stream is dropped
/// early (deinit), so an abandoned download leaks nothing.
final class FileChunkReader: Sendable {
    private struct State {
        var descriptor: Int32
        var offset: Int
    }

    private let store: FileBlobStore
    private let key: BlobKey
    private let path: String
    private let end: Int
    /// Bytes per `pread`: the whole range when it is at most `wholeReadLimit`, else the
    /// store's chunk size. One call for a whole CT instance took a WADO-RS study from
    /// 1.0–1.2 to 1.6–1.7 GB/s here; larger files keep the smaller chunks, so that a
    /// download's buffers stay small.
    private let readSize: Int
    private let state: Mutex<State>

    static let wholeReadLimit = 1 << 20

    init(store: FileBlobStore, key: BlobKey, path: String, descriptor: Int32, range: Range<Int>) {
        self.store = store
        self.key = key
        self.path = path
        self.end = range.upperBound
        self.readSize = range.count <= Self.wholeReadLimit ? max(1, range.count) : store.chunkSize
        self.state = Mutex(State(descriptor: descriptor, offset: range.lowerBound))
    }

    /// The next chunk, nil at the end. The stream calls this from one task at a time.
    func next() async throws -> ByteBuffer? {
        let (descriptor, offset) = state.withLock { ($0.descriptor, $0.offset) }
        guard descriptor >= 0 else { return nil }
        let count = min(readSize, end - offset)
        guard count > 0 else {
            closeDescriptor()
            return nil
        }
        let path = self.path
        let chunk: ByteBuffer
        do {
            // The buffer is allocated here rather than on the pool thread that reads into it:
            // glibc gives each allocating thread its own arena, and a download's chunks spread
            // over the pool's threads kept 1–2 MiB in each of ten arenas (a 1 GiB ZIP download
            // grew the server by 8–18 MiB; allocated here, by 3–7 MiB).
            let handoff = BufferHandoff(ByteBufferAllocator().buffer(capacity: count))
            chunk = try await store.run(key: key, "read") {
                var buffer = handoff.take()
                try POSIX.read(descriptor, offset: offset, count: count, into: &buffer, path: path)
                return buffer
            }
        } catch {
            closeDescriptor()
            throw error
        }
        guard chunk.readableBytes > 0 else {
            // The file is shorter than when it was opened: only a damaged store does that.
            closeDescriptor()
            throw BlobStoreError(code: .io, key: key, operation: "read", reason: "file ended at \(offset) of \(end)")
        }
        state.withLock { $0.offset += chunk.readableBytes }
        return chunk
    }

    private func closeDescriptor() {
        let descriptor = state.withLock { state in
            defer { state.descriptor = -1 }
            return state.descriptor
        }
        if descriptor >= 0 { close(descriptor) }
    }

    deinit {
        closeDescriptor()
    }
}

/// Hands a buffer to a closure on another thread as its only owner, so that writing into it
/// does not copy it (a captured copy would share the storage and make the write copy it).
private final class BufferHandoff: Sendable {
    private let buffer: Mutex<ByteBuffer?>

    init(_ buffer: ByteBuffer) {
        self.buffer = Mutex(buffer)
    }

    /// The buffer, once; an empty one after that.
    func take() -> ByteBuffer {
        buffer.withLock { $0.take() } ?? ByteBuffer()
    }
}
