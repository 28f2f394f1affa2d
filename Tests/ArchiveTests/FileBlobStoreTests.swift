import Archive
import Foundation
import NIOCore
import Testing

@Suite("Filesystem blob store")
struct FileBlobStoreTests {
    /// Deterministic bytes, so a failing comparison is the same on every run.
    static func bytes(count: Int, seed: UInt64) -> ByteBuffer {
        var state = seed
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { storage, initialized in
            for index in 0..<count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                storage[index] = UInt8(truncatingIfNeeded: state >> 33)
            }
            initialized = count
        }
        return ByteBuffer(bytes: bytes)
    }

    /// The buffer cut into pieces of `size` bytes (the last one shorter).
    static func pieces(_ buffer: ByteBuffer, size: Int) -> [ByteBuffer] {
        var rest = buffer
        var result: [ByteBuffer] = []
        while rest.readableBytes > 0, let piece = rest.readSlice(length: min(size, rest.readableBytes)) {
            result.append(piece)
        }
        return result
    }

    static let key = BlobKey("1.2.3/4.5.6.0123456789abcdef.dcm")

    @Test("a multi-megabyte blob written in odd chunks reads back identical, in bounded chunks")
    func roundTrip() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path, chunkSize: 64 * 1024)
            let content = Self.bytes(count: 5 * 1024 * 1024 + 17, seed: 1)
            let key = try #require(Self.key)
            let size = try await store.put(key, chunks: ByteBufferChunks(Self.pieces(content, size: 100_003)))
            #expect(size == content.readableBytes)
            #expect(try await store.size(of: key) == content.readableBytes)
            var result = ByteBuffer()
            var chunkCount = 0
            for try await chunk in try await store.get(key) {
                #expect(chunk.readableBytes <= 64 * 1024)
                var chunk = chunk
                result.writeBuffer(&chunk)
                chunkCount += 1
            }
            #expect(result == content)
            #expect(chunkCount == (content.readableBytes + 65535) / 65536)
        }
    }

    @Test("ranged reads return exactly the bytes asked for, clamped at the end")
    func rangedReads() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path, chunkSize: 4096)
            let content = Self.bytes(count: 100_000, seed: 2)
            let key = try #require(Self.key)
            _ = try await store.put(key, bytes: content)
            for range in [
                0..<1, 0..<4096, 4095..<4097, 12_345..<67_890, 99_999..<100_000, 90_000..<200_000, 100_000..<100_010,
            ] {
                var result = ByteBuffer()
                for try await chunk in try await store.get(key, range: range) {
                    var chunk = chunk
                    result.writeBuffer(&chunk)
                }
                let upper = min(range.upperBound, content.readableBytes)
                #expect(result == content.getSlice(at: range.lowerBound, length: upper - range.lowerBound), "\(range)")
            }
            await #expect(throws: BlobStoreError.self) { _ = try await store.get(key, range: 100_001..<100_002) }
        }
    }

    @Test("while a put is in progress nothing is visible under its key; afterwards only the blob is")
    func temporaryFileNeverVisible() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await FileBlobStore(root: directory.path)
            let key = try #require(Self.key)
            let observations = ObservedChunks(
                chunks: Self.pieces(Self.bytes(count: 300_000, seed: 3), size: 100_000)
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
