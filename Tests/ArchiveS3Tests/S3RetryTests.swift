import Archive
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import ArchiveS3

/// Retries against an endpoint that fails on purpose (FlakyS3Endpoint), and against a port
/// where nothing listens.
@Suite("S3 retries with backoff")
struct S3RetryTests {
    static func configuration(port: Int, attempts: Int = 4) -> S3Configuration {
        S3Configuration(
            bucket: "flaky", endpoint: S3Endpoint(secure: false, host: "127.0.0.1", port: port),
            credentials: S3TestServer.credentials,
            retry: S3RetryPolicy(maximumAttempts: attempts, baseDelay: 0.01, maximumDelay: 0.05))
    }

    static let key = BlobKey("1.2/3.dcm")

    @Test("503 SlowDown and 500 are retried until the call succeeds")
    func throttlingIsRetried() async throws {
        let endpoint = FlakyS3Endpoint(script: [.slowDown, .internalError, .slowDown])
        try await endpoint.run { port in
            try await S3BlobStore.with(configuration: Self.configuration(port: port), logger: Logger(label: "t")) {
                store in
                let key = try #require(Self.key)
                #expect(try await store.put(key, bytes: ByteBuffer(bytes: [1, 2, 3])) == 3)
            }
        }
        #expect(endpoint.requests == 4)
    }

    @Test("a download is retried until its head arrives")
    func readsAreRetried() async throws {
        let endpoint = FlakyS3Endpoint(script: [.slowDown, .internalError], body: [7, 8, 9])
        try await endpoint.run { port in
            try await S3BlobStore.with(configuration: Self.configuration(port: port), logger: Logger(label: "t")) {
                store in
                let key = try #require(Self.key)
                #expect(try await store.read(key) == ByteBuffer(bytes: [7, 8, 9]))
            }
        }
        #expect(endpoint.requests == 3)
    }

    @Test("a server that does not list multipart uploads leaves the sweep empty; a missing bucket still fails")
    func uploadListingUnsupported() async throws {
        let unsupported = [
            FlakyS3Endpoint.Reply(status: .notFound, code: "NoSuchUpload"),  // rclone serve s3
            FlakyS3Endpoint.Reply(status: .notImplemented, code: "NotImplemented"),
        ]
        for reply in unsupported {
            let endpoint = FlakyS3Endpoint(script: [reply])
            try await endpoint.run { port in
                try await S3BlobStore.with(configuration: Self.configuration(port: port), logger: Logger(label: "t")) {
                    store in
                    let removed = try await store.removeIncomplete(olderThan: 0)
                    #expect(removed == 0, "\(reply.code)")
                }
            }
            // Answered once: an operation the server lacks is not asked again.
            #expect(endpoint.requests == 1, "\(reply.code)")
        }
        let missingBucket = FlakyS3Endpoint(script: [.init(status: .notFound, code: "NoSuchBucket")])
        try await missingBucket.run { port in
            try await S3BlobStore.with(configuration: Self.configuration(port: port), logger: Logger(label: "t")) {
                store in
                let error = await #expect(throws: BlobStoreError.self) {
                    _ = try await store.removeIncomplete(olderThan: 0)
                }
                #expect(error?.description.contains("NoSuchBucket") == true)
            }
        }
    }

    @Test("a refusal is not retried; S3's code and message are in the error")
    func refusalIsNotRetried() async throws {
        let endpoint = FlakyS3Endpoint(script: [.accessDenied])
        try await endpoint.run { port in
            try await S3BlobStore.with(configuration: Self.configuration(port: port), logger: Logger(label: "t")) {
                store in
                let error = await #expect(throws: BlobStoreError.self) {
                    _ = try await store.put(try #require(Self.key), bytes: ByteBuffer(bytes: [1]))
                }
                #expect(error?.code == .io)
                #expect(error?.description.contains("HTTP 403 AccessDenied: scripted AccessDenied") == true)
            }
        }
        #expect(endpoint.requests == 1)
    }

    @Test("retries stop after the configured attempts, with the last answer in the error")
    func attemptsAreBounded() async throws {
        let endpoint = FlakyS3Endpoint(script: Array(repeating: .slowDown, count: 10))
        try await endpoint.run { port in
            try await S3BlobStore.with(
                configuration: Self.configuration(port: port, attempts: 3), logger: Logger(label: "t")
            ) { store in
                let error = await #expect(throws: BlobStoreError.self) {
                    _ = try await store.size(of: try #require(Self.key))
                }
                #expect(error?.description.contains("503") == true)
            }
        }
        #expect(endpoint.requests == 3)
    }

    @Test("an endpoint where nothing listens fails with an I/O error naming it, after the retries")
    func unreachableEndpoint() async throws {
        // Bind a port and close it again: nothing listens there afterwards.
        let port = try await FlakyS3Endpoint(script: []).run { $0 }
        try await S3BlobStore.with(
            configuration: Self.configuration(port: port, attempts: 2), logger: Logger(label: "t")
        ) {
            store in
            let error = await #expect(throws: BlobStoreError.self) {
                _ = try await store.put(try #require(Self.key), bytes: ByteBuffer(bytes: [1]))
            }
            #expect(error?.code == .io)
            #expect(error?.description.contains("127.0.0.1:\(port) unreachable after 2 attempt(s)") == true)
        }
    }
}
