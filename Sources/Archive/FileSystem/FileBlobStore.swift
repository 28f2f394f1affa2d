public import NIOCore
public import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Blobs as files under a root directory:
///
///     <root>/blobs/<shard>/<key>      the blobs; `/` in a key makes subdirectories
///     <root>/incoming/<random>.part   writes in progress
///
/// `<shard>` is two hex digits from a hash of the key's first segment, so that a study's
/// blobs (keys start with the Study Instance UID) share a directory and no directory grows
/// past a few thousand entries at millions of instances.
///
/// A put writes to `incoming/` (past the page cache where it can: `DirectFileWriter`),
/// renames the file to its key, and fsyncs it and the directory (and any directory it had to
/// create), so a blob is never visible half written and is durable when `put` returns.
/// Reads stream with `pread`: a blob of up to 1 MiB in one piece, larger ones in `chunkSize` pieces.
/// System calls run on a `NIOThreadPool`, because fsync can block for milliseconds and the
/// cooperative executor has only as many threads as cores.
public struct FileBlobStore: BlobStore {
    public let root: String
    public let chunkSize: Int
    let threadPool: NIOThreadPool
    let directWrites: DirectWrites

    var blobsDirectory: String { root + "/blobs" }
    var incomingDirectory: String { root + "/incoming" }

    /// Creates the directories when missing. `root` should be an absolute path. New files are
    /// written past the page cache where the filesystem allows it (`DirectFileWriter`), unless
    /// `directWrites` is false. A blob of up to 1 MiB is read in one call (`FileChunkReader`),
    /// larger ones in `chunkSize` pieces.
    public init(
        root: String, chunkSize: Int = 256 * 1024, threadPool: NIOThreadPool = .singleton, directWrites: Bool = true
    ) async throws {
        var trimmed = root
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
        self.chunkSize = max(4096, chunkSize)
        self.threadPool = threadPool
        self.directWrites = DirectWrites(enabled: directWrites)
        let directories = [blobsDirectory, incomingDirectory]
        try await run(key: nil, "create directories") {
            for directory in directories { try POSIX.makeDirectories(directory) }
        }
    }

    /// A store on a thread pool of its own for the length of `body`. An fsync holds its thread
    /// for milliseconds; on the shared pool (one thread per core), which the SQLite index uses
    /// too, the index's statements would queue behind the fsyncs of concurrent stores.
    public static func with<Result: Sendable>(
        root: String, threads: Int = 16, directWrites: Bool = true, _ body: (FileBlobStore) async throws -> Result
    ) async throws -> Result {
        let pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
        let result: Result
        do {
            result = try await body(try await FileBlobStore(root: root, threadPool: pool, directWrites: directWrites))
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
        try await pool.shutdownGracefully()
        return result
    }

    /// An empty buffer whose bytes start on a boundary that direct writes take as it is, so
    /// that a file store writes it without gathering it first. Growing past `capacity` or a
    /// copy on write loses the alignment, which then costs that gathering, nothing more.
    public static func alignedBuffer(capacity: Int) -> ByteBuffer {
        let alignment = DirectFileWriter.alignment
        var buffer = ByteBuffer()
        buffer.reserveCapacity(capacity + alignment)
        let address = buffer.withUnsafeMutableWritableBytes { Int(bitPattern: $0.baseAddress) }
        let padding = (alignment - address % alignment) % alignment
        buffer.moveWriterIndex(forwardBy: padding)
        buffer.moveReaderIndex(forwardBy: padding)
        return buffer
    }

    /// The file of a key.
    func path(of key: BlobKey) -> String {
        blobsDirectory + "/" + Self.shard(of: key) + "/" + key.rawValue
    }

    /// FNV-1a of the first segment, folded to 256 shards.
    static func shard(of key: BlobKey) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in key.rawValue.utf8.prefix(while: { $0 != UInt8(ascii: "/") }) {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let value = UInt8(truncatingIfNeeded: hash ^ (hash >> 8) ^ (hash >> 16) ^ (hash >> 24))
        let digits = String(value, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }

    /// Runs blocking work on the thread pool and turns system call failures into
    /// `BlobStoreError`s.
    func run<T: Sendable>(
        key: BlobKey?, _ operation: String, _ body: @escaping @Sendable () throws -> T
    ) async throws(BlobStoreError) -> T {
        do {
            return try await threadPool.runIfActive { try body() }
        } catch let failure as POSIX.Failure {
            throw Self.error(failure, key: key, operation: operation)
        } catch {
            throw BlobStoreError(code: .io, key: key, operation: operation, reason: "\(error)")
        }
    }

    static func error(_ failure: POSIX.Failure, key: BlobKey?, operation: String) -> BlobStoreError {
        let code: BlobStoreError.Code = failure.errorNumber == ENOENT ? .notFound : .io
        return BlobStoreError(
            code: code, key: key, operation: operation, errorNumber: failure.errorNumber, reason: failure.reason)
    }
}
