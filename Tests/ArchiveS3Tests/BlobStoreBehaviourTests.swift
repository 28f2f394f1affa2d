import Archive
import ArchiveS3
import Foundation
import NIOCore
import Testing

/// What every `BlobStore` must do, run against each implementation: the filesystem store in
/// a temporary directory, and the S3 store on a bucket of its own on the test S3 server.
@Suite("BlobStore behaviour, every implementation")
struct BlobStoreBehaviourTests {
    enum Implementation: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case files
        case s3

        var testDescription: String { rawValue }

        /// A new, empty store for the length of `body`. S3 gets 5 MiB parts (S3's minimum), so
        /// that the multi-megabyte blobs below go through multipart upload.
        func withStore(_ body: (any BlobStore) async throws -> Void) async throws {
            switch self {
            case .files:
                let root = FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)")
                    .path
                defer { try? FileManager.default.removeItem(atPath: root) }
                try await body(try await FileBlobStore(root: root, chunkSize: 64 * 1024))
            case .s3:
                try await S3TestServer.withStore(partSize: 5 << 20) { try await body($0) }
            }
        }
    }

    static let key = BlobKey("1.2.3/4.5.6.0123456789abcdef.dcm")

    @Test("a multi-megabyte blob written in odd chunks reads back identical", arguments: Implementation.allCases)
    func roundTrip(_ implementation: Implementation) async throws {
        try await implementation.withStore { store in
            let content = TestBytes.bytes(count: 5 * 1024 * 1024 + 17, seed: 1)
            let key = try #require(Self.key)
            let size = try await store.put(key, chunks: ByteBufferChunks(TestBytes.pieces(content, size: 100_003)))
            #expect(size == content.readableBytes)
            #expect(try await store.size(of: key) == content.readableBytes)
            #expect(try await TestBytes.collect(store.get(key)) == content)
        }
    }

    @Test("empty and small blobs; a second put replaces the first", arguments: Implementation.allCases)
    func smallBlobsAndReplacement(_ implementation: Implementation) async throws {
        try await implementation.withStore { store in
            let key = try #require(BlobKey("a/empty.dcm"))
            #expect(try await store.put(key, bytes: ByteBuffer()) == 0)
            #expect(try await store.size(of: key) == 0)
            #expect(try await store.read(key).readableBytes == 0)
            #expect(try await store.put(key, bytes: ByteBuffer(bytes: [1, 2, 3])) == 3)
            #expect(try await store.read(key) == ByteBuffer(bytes: [1, 2, 3]))
        }
    }

    @Test("ranged reads return exactly the bytes asked for, clamped at the end", arguments: Implementation.allCases)
    func rangedReads(_ implementation: Implementation) async throws {
        try await implementation.withStore { store in
            let content = TestBytes.bytes(count: 100_000, seed: 2)
            let key = try #require(Self.key)
            _ = try await store.put(key, bytes: content)
            for range in [
                0..<1, 0..<4096, 4095..<4097, 12_345..<67_890, 99_999..<100_000, 90_000..<200_000, 100_000..<100_010,
                500..<500, 0..<Int.max, 99_000..<Int.max,
            ] {
                let result = try await TestBytes.collect(store.get(key, range: range))
                let upper = min(range.upperBound, content.readableBytes)
                let expected = content.getSlice(at: range.lowerBound, length: max(0, upper - range.lowerBound))
                #expect(result == expected, "\(range)")
            }
            let error = await #expect(throws: BlobStoreError.self) {
                _ = try await store.get(key, range: 100_001..<100_002)
            }
            #expect(error?.code == .invalidRange)
        }
    }

    @Test("a put whose source fails leaves nothing under the key", arguments: Implementation.allCases)
    func failedPutLeavesNothing(_ implementation: Implementation) async throws {
        try await implementation.withStore { store in
            let key = try #require(Self.key)
            let failing = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                continuation.yield(ByteBuffer(bytes: [1, 2, 3]))
                continuation.finish(throwing: CancellationError())
            }
            await #expect(throws: CancellationError.self) { _ = try await store.put(key, chunks: failing) }
            let error = await #expect(throws: BlobStoreError.self) { _ = try await store.size(of: key) }
            #expect(error?.code == .notFound)
            var listed = 0
            for try await _ in store.list() { listed += 1 }
            #expect(listed == 0)
        }
    }

    @Test("a missing blob is notFound; delete removes, and deleting again succeeds", arguments: Implementation.allCases)
    func missingAndDelete(_ implementation: Implementation) async throws {
        try await implementation.withStore { store in
            let key = try #require(Self.key)
            let missing = await #expect(throws: BlobStoreError.self) { _ = try await store.get(key) }
            #expect(missing?.code == .notFound)
            #expect(missing?.key == key)
            let noSize = await #expect(throws: BlobStoreError.self) { _ = try await store.size(of: key) }
            #expect(noSize?.code == .notFound)
            try await store.delete(key)
            _ = try await store.put(key, bytes: ByteBuffer(bytes: [9]))
            try await store.delete(key)
            await #expect(throws: BlobStoreError.self) { _ = try await store.size(of: key) }
            try await store.delete(key)
        }
    }

    @Test("list returns every blob with its size", arguments: Implementation.allCases)
    func list(_ implementation: Implementation) async throws {
        try await implementation.withStore { store in
            var expected: [BlobKey: Int] = [:]
            for index in 0..<5 {
                let key = try #require(BlobKey("1.2.\(index % 2)/4.5.\(index).dcm"))
                expected[key] = try await store.put(key, bytes: TestBytes.bytes(count: 1000 + index, seed: 3))
            }
            var listed: [BlobKey: Int] = [:]
            let before = Date().timeIntervalSince1970
            for try await info in store.list() {
                listed[info.key] = info.size
                #expect(info.modified > before - 3600 && info.modified < before + 3600)
            }
            #expect(listed == expected)
        }
    }
}
