public import Archive
public import AsyncHTTPClient
import Foundation
public import Logging
public import NIOCore
import NIOHTTP1

/// Blobs as objects in an S3 bucket (AWS S3, MinIO, Ceph RGW, …), each under the configured
/// prefix followed by its key. Objects are written whole (one PUT, or a multipart upload
/// completed at the end), so S3 itself guarantees that no reader sees half a blob and that a
/// blob is durable once `put` returns.
public struct S3BlobStore: BlobStore {
    public let configuration: S3Configuration
    let client: S3Client

    /// A store on `httpClient`, which the caller shuts down after the store's last use.
    public init(configuration: S3Configuration, httpClient: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.client = S3Client(configuration: configuration, httpClient: httpClient, logger: logger)
    }

    /// A store with its own HTTP client for the length of `body`; the client is shut down
    /// afterwards, whatever `body` does.
    public static func with<Result: Sendable>(
        configuration: S3Configuration, logger: Logger, _ body: (S3BlobStore) async throws -> Result
    ) async throws -> Result {
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        clientConfiguration.decompression = .disabled
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let result: Result
        do {
            result = try await body(S3BlobStore(configuration: configuration, httpClient: httpClient, logger: logger))
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
        return result
    }

    func objectKey(_ key: BlobKey) -> String { configuration.prefix + key.rawValue }

    public func size(of key: BlobKey) async throws -> Int {
        let response = try await client.send(
            S3Request(method: "HEAD", objectKey: objectKey(key), operation: "head", blobKey: key))
        guard let length = response.headers.first(name: "content-length").flatMap({ Int($0) }), length >= 0 else {
            throw BlobStoreError(code: .io, key: key, operation: "head", reason: "S3 sent no Content-Length")
        }
        return length
    }

    public func delete(_ key: BlobKey) async throws {
        do {
            _ = try await client.send(
                S3Request(method: "DELETE", objectKey: objectKey(key), operation: "delete", blobKey: key))
        } catch let error as BlobStoreError where error.code == .notFound {
            // Gone already: what delete is for.
        }
    }

    public func get(_ key: BlobKey) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
        try await get(key, range: 0..<Int.max)
    }

    public func get(_ key: BlobKey, range: Range<Int>) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
        guard range.lowerBound >= 0 else {
            throw BlobStoreError(
                code: .invalidRange, key: key, operation: "read", reason: "range starts at \(range.lowerBound)")
        }
        // S3 ignores a Range it cannot satisfy as written (an empty one) and sends everything;
        // and it refuses one starting at the end, which the protocol allows: ask the size.
        if range.isEmpty { return try await emptyRead(key, at: range.lowerBound) }
        var request = S3Request(method: "GET", objectKey: objectKey(key), operation: "read", blobKey: key)
        if range != 0..<Int.max {
            let last = range.upperBound == Int.max ? "" : String(range.upperBound - 1)
            request.headers.append(("range", "bytes=\(range.lowerBound)-\(last)"))
        }
        let response: HTTPClientResponse
        do {
            response = try await client.send(request)
        } catch let error as BlobStoreError where error.code == .invalidRange {
            return try await emptyRead(key, at: range.lowerBound)
        }
        let reader = S3BodyReader(body: response.body, key: key)
        return AsyncThrowingStream(unfolding: { try await reader.next() })
    }

    /// No bytes, if `offset` is within the blob or at its end.
    private func emptyRead(_ key: BlobKey, at offset: Int) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
        let size = try await size(of: key)
        guard offset <= size else {
            throw BlobStoreError(
                code: .invalidRange, key: key, operation: "read",
                reason: "range starts at \(offset), blob has \(size) bytes")
        }
        return AsyncThrowingStream { $0.finish() }
    }
}

/// The body of a GET as the blob store's stream: read as it is consumed, errors typed.
/// `AsyncThrowingStream(unfolding:)` calls `next` from one task at a time, which is what
/// makes the unsynchronized iterator safe here.
final class S3BodyReader: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private let key: BlobKey

    init(body: HTTPClientResponse.Body, key: BlobKey) {
        self.iterator = body.makeAsyncIterator()
        self.key = key
    }

    func next() async throws -> ByteBuffer? {
        do {
            return try await iterator.next()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw BlobStoreError(code: .io, key: key, operation: "read", reason: "S3 download broke off: \(error)")
        }
    }
}
