import Foundation
import NIOCore
import Testing

@testable import Archive

@Suite("Filesystem blob store")
struct FileBlobStoreTests {
    static let key = BlobKey("1.2.3/4.5.6.0123456789abcdef.dcm")

    // Round trips, ranged reads, failed puts, missing blobs and listing: the shared suite
    // (Tests/ArchiveS3Tests/BlobStoreBehaviourTests.swift) runs them against every store.

    @Test("reads come in chunks of at most chunkSize")
    func boundedChunks() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path, chunkSize: 64 * 1024)
            let key = try #require(Self.key)
            let size = 1024 * 1024 + 17
            _ = try await store.put(key, bytes: ByteBuffer(repeating: 7, count: size))
            var chunkCount = 0
            for try await chunk in try await store.get(key) {
                #expect(chunk.readableBytes <= 64 * 1024)
                chunkCount += 1
            }
            #expect(chunkCount == (size + 65535) / 65536)
        }
    }

    @Test("a blob or range of up to 1 MiB comes in one chunk, whatever chunkSize")
    func smallBlobsInOneRead() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path, chunkSize: 64 * 1024)
            let key = try #require(Self.key)
            let bytes = ByteBuffer(bytes: (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 >> 3) })
            _ = try await store.put(key, bytes: bytes)
            var chunks: [ByteBuffer] = []
            for try await chunk in try await store.get(key) { chunks.append(chunk) }
            #expect(chunks == [bytes])
            chunks = []
            for try await chunk in try await store.get(key, range: 1000..<301_000) { chunks.append(chunk) }
            #expect(chunks == [bytes.getSlice(at: 1000, length: 300_000)])
        }
    }

    /// Sizes around the 4 KiB blocks of direct writes and the 256 KiB staging buffer.
    static let directSizes = [
        0, 1, 511, 4095, 4096, 4097, (256 << 10) - 1, 256 << 10, (256 << 10) + 1, (1 << 20) + 1, 3 * (1 << 20) + 5,
    ]

    @Test(
        "every size comes back byte for byte, from aligned, unaligned and split buffers, in memory or streamed",
        arguments: [true, false])
    func directWritesRoundTrip(direct: Bool) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path, directWrites: direct)
            var generator = SystemRandomNumberGenerator()
            for (number, size) in Self.directSizes.enumerated() {
                let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12 &+ 7) }
                var aligned = FileBlobStore.alignedBuffer(capacity: size)
                aligned.writeBytes(bytes)
                var unaligned = FileBlobStore.alignedBuffer(capacity: size + 1)
                unaligned.writeInteger(UInt8(0xEE))
                unaligned.writeBytes(bytes)
                unaligned.moveReaderIndex(forwardBy: 1)
                // An aligned start, then pieces that leave the staging buffer part full.
                var pieces: [ByteBuffer] = []
                var rest = aligned
                while rest.readableBytes > 0 {
                    let length = min(rest.readableBytes, Int.random(in: 1...300_000, using: &generator))
                    let piece = rest.readSlice(length: length)
                    pieces.append(try #require(piece))
                }
                let layouts: [(String, [ByteBuffer])] = [
                    ("aligned", [aligned]), ("unaligned", [unaligned]), ("pieces", pieces),
                ]
                for (layout, buffers) in layouts {
                    for streamed in [false, true] {
                        let key = try #require(BlobKey("1.2.3/\(number)-\(layout)-\(streamed).dcm"))
                        let stream = AsyncStream { continuation in
                            for buffer in buffers { continuation.yield(buffer) }
                            continuation.finish()
                        }
                        let written =
                            streamed
                            ? try await store.put(key, chunks: stream)
                            : try await store.put(key, chunks: ByteBufferChunks(buffers))
                        #expect(written == size)
                        #expect(try await store.size(of: key) == size)
                        let read = try await store.read(key)
                        let label = "\(size) bytes, \(layout), streamed \(streamed)"
                        #expect(Array(read.readableBytesView) == bytes, "\(label)")
                    }
                }
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/incoming").isEmpty)
            // This machine's filesystem takes direct I/O: the direct path is what ran.
            #expect(store.directWrites.enabled == direct)
        }
    }

    @Test("a filesystem refusing a direct write mid-file: the rest goes through the page cache, in place")
    func directWriteRefusedMidFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Alignment 1 sends the first 1,000 bytes to the disk directly; their length is not a
        // whole sector, so the filesystem answers EINVAL, as one without direct I/O would.
        let support = DirectWrites(enabled: true, alignment: 1)
        let path = directory.path + "/blob"
        let writer = try DirectFileWriter(path: path, support: support)
        let sizes = [1_000, 300_000, 5_000]
        var expected: [UInt8] = []
        for (number, size) in sizes.enumerated() {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ number) }
            expected += bytes
            try writer.append(ByteBuffer(bytes: bytes))
        }
        #expect(try writer.finish() == expected.count)
        close(writer.descriptor)
        #expect(!support.enabled)
        #expect(FileManager.default.contents(atPath: path) == Data(expected))
    }

    @Test("an aligned buffer starts on a 4 KiB boundary and has the capacity asked for")
    func alignedBufferStartsAligned() throws {
        for capacity in [0, 1, 4096, 600_000] {
            var buffer = FileBlobStore.alignedBuffer(capacity: capacity)
            #expect(buffer.readableBytes == 0)
            #expect(buffer.writableBytes >= capacity)
            buffer.writeInteger(UInt8(1))
            let address = buffer.withUnsafeReadableBytes { Int(bitPattern: $0.baseAddress) }
            #expect(address % 4096 == 0)
        }
    }

    @Test("a prefetch brings a blob's first bytes into the page cache; a missing blob is passed over")
    func prefetchReadsAhead() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path)
            let key = try #require(BlobKey("1.2.3/prefetched.dcm"))
            let size = 8 << 20
            _ = try await store.put(key, bytes: ByteBuffer(repeating: 0x5A, count: size))
            let path = store.path(of: key)
            let descriptor = open(path, O_RDONLY)
            #expect(descriptor >= 0)
            defer { close(descriptor) }
            // Written past the page cache already; this makes sure of it where the file system
            // took the data through the cache (tmpfs keeps it whatever, and passes trivially).
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
            let missing = try #require(BlobKey("1.2.3/missing.dcm"))
            await store.prefetch([missing, key], bytes: 4 << 20)
            var resident = 0
            for _ in 0..<200 {
                resident = try Self.residentPages(descriptor, size: size)
                if resident >= 1024 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            // The first 4 MiB (1024 pages of 4 KiB) were asked for.
            #expect(resident >= 1024, "\(resident) of the first 1024 pages in the page cache")
        }
    }

    /// How many of a file's pages are in the page cache (mincore over a mapping of it).
    static func residentPages(_ descriptor: Int32, size: Int) throws -> Int {
        let mapping = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0)
        guard let mapping, mapping != MAP_FAILED else {
            throw POSIX.Failure(call: "mmap", path: "", errorNumber: errno)
        }
        defer { munmap(mapping, size) }
        let pages = (size + 4095) / 4096
        var vector = [UInt8](repeating: 0, count: pages)
        guard mincore(mapping, size, &vector) == 0 else {
            throw POSIX.Failure(call: "mincore", path: "", errorNumber: errno)
        }
        return vector.reduce(0) { $0 + Int($1 & 1) }
    }

    @Test("while a put is in progress nothing is visible under its key; afterwards only the blob is")
    func temporaryFileNeverVisible() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path)
            let key = try #require(Self.key)
            let observations = ObservedChunks(
                chunks: (1...3).map { ByteBuffer(repeating: $0, count: 100_000) }
            ) {
                // Between chunks: the key is unknown and the partial file sits in incoming/.
                let error = await #expect(throws: BlobStoreError.self) { _ = try await store.size(of: key) }
                #expect(error?.code == .notFound)
                let incoming = try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/incoming")
                #expect(incoming?.count == 1)
                #expect(incoming?.first?.hasSuffix(".part") == true)
                var listed = 0
                for try await _ in store.list() { listed += 1 }
                #expect(listed == 0)
            }
            _ = try await store.put(key, chunks: observations)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/incoming").isEmpty)
            var listed: [BlobInfo] = []
            for try await info in store.list() { listed.append(info) }
            #expect(listed.map(\.key) == [key])
            #expect(listed.first?.size == 300_000)
        }
    }

    @Test("a put whose source fails leaves nothing behind")
    func failedPutLeavesNothing() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path)
            let key = try #require(Self.key)
            let failing = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                continuation.yield(ByteBuffer(bytes: [1, 2, 3]))
                continuation.finish(throwing: CancellationError())
            }
            await #expect(throws: CancellationError.self) { _ = try await store.put(key, chunks: failing) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/incoming").isEmpty)
            await #expect(throws: BlobStoreError.self) { _ = try await store.size(of: key) }
        }
    }

    @Test(
        "keys that could leave the root are refused",
        arguments: [
            "", "/abs", "../x", "a/../b", "a/./b", ".", "..", "a//b", "a/", "a\\b", "a b", "a\0b", "é",
            String(repeating: "a", count: 513),
        ])
    func pathTraversalRefused(text: String) {
        #expect(BlobKey(text) == nil)
    }

    @Test("ordinary keys are accepted", arguments: ["a", "1.2.3/4.5.6.ff.dcm", "A-b_c.d/e", "..a/b..", "x/y/z"])
    func keysAccepted(text: String) {
        #expect(BlobKey(text)?.rawValue == text)
    }

    @Test("a missing blob is notFound; a root that is a file is an I/O error with errno")
    func typedErrors() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path)
            let key = try #require(Self.key)
            let missing = await #expect(throws: BlobStoreError.self) { _ = try await store.get(key) }
            #expect(missing?.code == .notFound)
            try await store.delete(key)  // deleting what isn't there succeeds

            let file = directory.path + "/not-a-directory"
            _ = FileManager.default.createFile(atPath: file, contents: Data([1]))
            let blocked = await #expect(throws: BlobStoreError.self) { _ = try await FileBlobStore(root: file) }
            #expect(blocked?.code == .io)
            #expect(blocked?.errorNumber == ENOTDIR)
        }
    }

    @Test("a write the disk refuses surfaces as a typed error and leaves no file")
    func commitFailure() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path)
            let key = try #require(Self.key)
            // Put a file where the key's shard directory must go: the rename cannot succeed.
            let blobs = directory.path + "/blobs"
            for shard in 0..<256 {
                let name = String(format: "%02x", shard)
                _ = FileManager.default.createFile(atPath: blobs + "/" + name, contents: Data())
            }
            let error = await #expect(throws: BlobStoreError.self) {
                _ = try await store.put(key, bytes: ByteBuffer(bytes: [1, 2, 3, 4]))
            }
            #expect(error?.code == .io)
            #expect(error?.key == key)
            #expect(error?.errorNumber == ENOTDIR)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/incoming").isEmpty)
        }
    }

    @Test("delete removes the blob; removeIncomplete sweeps stale partial files only")
    func deleteAndSweepIncomplete() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path)
            let key = try #require(Self.key)
            _ = try await store.put(key, bytes: ByteBuffer(bytes: [9]))
            try await store.delete(key)
            await #expect(throws: BlobStoreError.self) { _ = try await store.size(of: key) }

            let stale = directory.path + "/incoming/crashed.part"
            _ = FileManager.default.createFile(atPath: stale, contents: Data([1]))
            #expect(try await store.removeIncomplete(olderThan: 3600) == 0)
            #expect(try await store.removeIncomplete(olderThan: 0) == 1)
            #expect(!FileManager.default.fileExists(atPath: stale))
        }
    }
}

/// Chunks that run a check before each chunk after the first.
struct ObservedChunks: AsyncSequence {
    typealias Element = ByteBuffer
    let chunks: [ByteBuffer]
    let check: () async throws -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<ByteBuffer>
        var first = true
        let check: () async throws -> Void

        mutating func next() async throws -> ByteBuffer? {
            if !first, !remaining.isEmpty { try await check() }
            first = false
            return remaining.popFirst()
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: chunks[...], check: check) }
}
