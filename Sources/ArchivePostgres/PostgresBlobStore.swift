public import Archive
import Logging
public import NIOCore
import PostgresNIO

/// Files kept in PostgreSQL itself (the Korthweb "EnableStorage" mode): one database to run
/// and back up, no shared volume or bucket. Blobs are streamed in chunks of `chunkSize`
/// bytes, one row each, so that neither Apus nor PostgreSQL ever holds a whole file.
///
/// The simple option, with its limits: every byte goes through the database's WAL (twice
/// the write volume), backups and replicas grow with the images, and reads cost a query per
/// chunk. Object storage suits archives of many terabytes better.
///
/// A put writes its chunks under a new upload, then commits the `blobs` row that points at
/// them (replacing and dropping a previous upload of the key): readers see the whole blob or
/// none of it. An upload that never finished is removed by `removeIncomplete`.
public struct PostgresBlobStore: BlobStore {
    let index: PostgresIndexStore
    let chunkSize: Int

    /// The blob store in the index's database, on its connection pool.
    public init(index: PostgresIndexStore, chunkSize: Int = 1 << 20) {
        self.index = index
        self.chunkSize = max(4096, chunkSize)
    }

    private var client: PostgresClient { index.client }
    private var logger: Logger { index.logger }

    public func put<Chunks: AsyncSequence>(_ key: BlobKey, chunks: Chunks) async throws -> Int
    where Chunks.Element == ByteBuffer {
        if let inMemory = chunks as? ByteBufferChunks {
            let size = inMemory.buffers.reduce(0) { $0 + $1.readableBytes }
            if size <= chunkSize { return try await putWhole(key, inMemory.buffers, size: size) }
        }
        // Each statement is retried as the index's are when a connection is lost (a database
        // restart): a lost reply at worst leaves an unused upload row for the sweep.
        let logger = self.logger
        let upload = try await index.reading { connection in
            try await connection.query("INSERT INTO blob_uploads DEFAULT VALUES RETURNING id", logger: logger)
                .collect().first?.decode(Int.self)
        }
        guard let upload else {
            throw BlobStoreError(code: .io, key: key, operation: "write", reason: "no upload id")
        }
        do {
            var pending = ByteBuffer()
            var offset = 0
            for try await var chunk in chunks {
                pending.writeBuffer(&chunk)
                while pending.readableBytes >= chunkSize, let slice = pending.readSlice(length: chunkSize) {
                    try await writeChunk(upload: upload, offset: offset, bytes: slice)
                    offset += slice.readableBytes
                }
                pending.discardReadBytes()
            }
            if pending.readableBytes > 0 || offset == 0 {
                try await writeChunk(upload: upload, offset: offset, bytes: pending)
                offset += pending.readableBytes
            }
            let size = offset
            try await index.transaction("blob put") { connection in
                let previous = try await connection.query(
                    "SELECT upload_id FROM blobs WHERE key = \(key.rawValue) FOR UPDATE", logger: logger
                ).collect().first?.decode(Int.self)
                try await connection.query(
                    """
                    INSERT INTO blobs (key, upload_id, size) VALUES (\(key.rawValue), \(upload), \(size))
                    ON CONFLICT (key) DO UPDATE SET upload_id = excluded.upload_id, size = excluded.size,
                        modified = now()
                    """, logger: logger)
                if let previous {
                    try await connection.query("DELETE FROM blob_uploads WHERE id = \(previous)", logger: logger)
                }
                return .commit(())
            }
            return size
        } catch {
            // Cancelled or failed: nothing under the key; the sweep removes what this misses.
            _ = try? await client.query("DELETE FROM blob_uploads WHERE id = \(upload)", logger: logger)
            throw error
        }
    }

    /// A blob of one chunk (most instances, with the default 1 MiB chunks) in one statement,
    /// its own transaction: the upload, its chunk and the `blobs` row together, where the
    /// streamed path commits three times. A statement retried after a lost reply makes a new
    /// upload and drops the first, as when a key is written again; the upload it replaces is
    /// dropped after the commit (if that fails, the sweep removes it: nothing points at it).
    private func putWhole(_ key: BlobKey, _ buffers: [ByteBuffer], size: Int) async throws -> Int {
        let logger = self.logger
        var bytes = buffers.first ?? ByteBuffer()
        if buffers.count > 1 {
            bytes = ByteBuffer()
            bytes.reserveCapacity(size)
            for buffer in buffers { bytes.writeImmutableBuffer(buffer) }
        }
        let statement = PutWholeBlob(key: key.rawValue, bytes: bytes, size: size)
        let previous = try await index.reading { connection in
            try await connection.run(statement, logger: logger).first
        }
        if let previous {
            do {
                try await index.reading { connection in
                    _ = try await connection.query("DELETE FROM blob_uploads WHERE id = \(previous)", logger: logger)
                }
            } catch {
                logger.notice(
                    "a replaced upload was not dropped; the sweep of incomplete uploads will",
                    metadata: ["key": "\(key.rawValue)", "upload": "\(previous)", "error": "\(error)"])
            }
        }
        return size
    }

    /// Idempotent, so that a retry after a lost reply finds the chunk already there.
    private func writeChunk(upload: Int, offset: Int, bytes: ByteBuffer) async throws {
        let logger = self.logger
        try await index.reading { connection in
            _ = try await connection.query(
                """
                INSERT INTO blob_chunks (upload_id, "offset", bytes) VALUES (\(upload), \(offset), \(bytes))
                ON CONFLICT (upload_id, "offset") DO NOTHING
                """, logger: logger)
        }
    }

    public func get(_ key: BlobKey) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
        try await get(key, range: 0..<Int.max)
    }

    public func get(_ key: BlobKey, range: Range<Int>) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
        let (upload, size) = try await blob(key, operation: "read")
        guard range.lowerBound >= 0, range.lowerBound <= size else {
            throw BlobStoreError(
                code: .invalidRange, key: key, operation: "read", reason: "range \(range) of a \(size)-byte blob")
        }
        let end = min(range.upperBound, size)
        let reader = ChunkReader(index: index, logger: logger, upload: upload, position: range.lowerBound, end: end)
        return AsyncThrowingStream(unfolding: { try await reader.next() })
    }

    public func size(of key: BlobKey) async throws -> Int {
        try await blob(key, operation: "size").size
    }

    private func blob(_ key: BlobKey, operation: String) async throws -> (upload: Int, size: Int) {
        let logger = self.logger
        let row = try await index.reading { connection in
            try await connection.query("SELECT upload_id, size FROM blobs WHERE key = \(key.rawValue)", logger: logger)
                .collect().first
        }
        guard let (upload, size) = try row?.decode((Int, Int).self) else {
            throw BlobStoreError(code: .notFound, key: key, operation: operation, reason: "no such blob")
        }
        return (upload, size)
    }

    public func delete(_ key: BlobKey) async throws {
        // The upload's rows go with it (ON DELETE CASCADE): the blob row and every chunk.
        let logger = self.logger
        try await index.reading { connection in
            _ = try await connection.query(
                "DELETE FROM blob_uploads WHERE id = (SELECT upload_id FROM blobs WHERE key = \(key.rawValue))",
                logger: logger)
        }
    }

    public func list() -> AsyncThrowingStream<BlobInfo, any Error> {
        let lister = BlobLister(client: client, logger: logger)
        return AsyncThrowingStream(unfolding: { try await lister.next() })
    }

    public func removeIncomplete(olderThan age: Double) async throws -> Int {
        let rows = try await client.query(
            """
            DELETE FROM blob_uploads u WHERE u.started < now() - make_interval(secs => \(age))
            AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.upload_id = u.id) RETURNING u.id
            """, logger: logger)
        return try await rows.collect().count
    }
}

/// The chunks of one upload from `position` to `end`, one query per chunk as they are consumed.
private actor ChunkReader {
    let index: PostgresIndexStore
    let logger: Logger
    let upload: Int
    var position: Int
    let end: Int

    init(index: PostgresIndexStore, logger: Logger, upload: Int, position: Int, end: Int) {
        self.index = index
        self.logger = logger
        self.upload = upload
        self.position = position
        self.end = end
    }

    func next() async throws -> ByteBuffer? {
        guard position < end else { return nil }
        let (logger, upload, from) = (self.logger, self.upload, self.position)
        let row = try await index.reading { connection in
            try await connection.query(
                """
                SELECT "offset", bytes FROM blob_chunks
                WHERE upload_id = \(upload) AND "offset" <= \(from) ORDER BY "offset" DESC LIMIT 1
                """, logger: logger
            ).collect().first
        }
        guard let (offset, bytes) = try row?.decode((Int, ByteBuffer).self), offset + bytes.readableBytes > position
        else {
            throw BlobStoreError(code: .io, key: nil, operation: "read", reason: "chunk at \(position) missing")
        }
        let start = position - offset
        let length = min(bytes.readableBytes - start, end - position)
        guard let slice = bytes.getSlice(at: bytes.readerIndex + start, length: length) else {
            throw BlobStoreError(code: .io, key: nil, operation: "read", reason: "chunk at \(offset) is short")
        }
        position += length
        return slice
    }
}

/// Every blob, a page at a time, by key.
private actor BlobLister {
    let client: PostgresClient
    let logger: Logger
    var after = ""
    var buffer: [BlobInfo] = []
    var exhausted = false

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    func next() async throws -> BlobInfo? {
        if buffer.isEmpty, !exhausted {
            let rows = try await client.query(
                """
                SELECT key, size, extract(epoch FROM modified)::float8 FROM blobs WHERE key > \(after)
                ORDER BY key LIMIT 500
                """, logger: logger
            ).collect()
            for row in rows {
                let (text, size, modified) = try row.decode((String, Int, Double).self)
                if let key = BlobKey(text) { buffer.append(BlobInfo(key: key, size: size, modified: modified)) }
                after = text
            }
            exhausted = rows.count < 500
            buffer.reverse()
        }
        return buffer.popLast()
    }
}

/// The one-chunk put, prepared once per connection: parsing and planning it each time cost
/// PostgreSQL more than a tenth of its CPU in a STOW-RS run. PostgreSQL plans the first five
/// executions on a connection with the values (folding the chunk into the plan, a copy), and
/// then keeps a generic plan when it costs no more, as it does here.
private struct PutWholeBlob: BoundStatement {
    typealias Row = Int

    static let sql = """
        WITH previous AS (SELECT upload_id FROM blobs WHERE key = $1 FOR UPDATE),
        upload AS (INSERT INTO blob_uploads DEFAULT VALUES RETURNING id),
        chunk AS (INSERT INTO blob_chunks (upload_id, "offset", bytes) SELECT id, 0, $2 FROM upload),
        blob AS (
            INSERT INTO blobs (key, upload_id, size) SELECT $1, id, $3 FROM upload
            ON CONFLICT (key) DO UPDATE SET upload_id = excluded.upload_id, size = excluded.size, modified = now())
        SELECT upload_id FROM previous
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .bytea, .int8]

    let bindings: PostgresBindings

    init(key: String, bytes: ByteBuffer, size: Int) {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(key)
        bindings.append(bytes)
        bindings.append(size)
        self.bindings = bindings
    }
}
