import Archive
import Foundation
import Logging
import Testing

@testable import ArchiveS3

/// The S3 API server the tests run against: moto_server, started by scripts/s3-for-tests,
/// which exports its address as APUS_TEST_S3_ENDPOINT. Without it the tests fail, saying so.
enum S3TestServer {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "APUS_TEST_S3_ENDPOINT is not set (or not http://host:port): these tests need a real S3 API server. "
                + "Run ./scripts/test, or start one with: eval \"$(scripts/s3-for-tests start)\""
        }
    }

    static func endpoint() throws -> S3Endpoint {
        guard let text = ProcessInfo.processInfo.environment["APUS_TEST_S3_ENDPOINT"], let endpoint = S3Endpoint(text)
        else { throw Missing() }
        return endpoint
    }

    /// moto accepts any key; real servers would check these.
    static let credentials = S3Credentials(accessKeyID: "apus-test", secretAccessKey: "apus-test-secret")

    static func configuration(
        bucket: String, prefix: String = "apus", partSize: Int = 8 << 20, addressing: S3Configuration.Addressing = .path
    ) throws -> S3Configuration {
        S3Configuration(
            bucket: bucket, prefix: prefix, endpoint: try endpoint(), region: "us-east-1", addressing: addressing,
            credentials: credentials, partSize: partSize,
            retry: S3RetryPolicy(maximumAttempts: 3, baseDelay: 0.05, maximumDelay: 0.2))
    }

    /// A bucket name no other test uses.
    static func newBucketName() -> String {
        "apus-test-" + UUID().uuidString.lowercased().prefix(18)
    }

    /// A store on a new bucket of its own, for the length of `body`.
    static func withStore<Result: Sendable>(
        partSize: Int = 8 << 20, prefix: String = "apus", _ body: (S3BlobStore) async throws -> Result
    ) async throws -> Result {
        let configuration = try configuration(bucket: newBucketName(), prefix: prefix, partSize: partSize)
        return try await S3BlobStore.with(configuration: configuration, logger: Logger(label: "s3-test")) { store in
            try await createBucket(store)
            return try await body(store)
        }
    }

    static func createBucket(_ store: S3BlobStore) async throws {
        _ = try await store.client.send(S3Request(method: "PUT", objectKey: nil, operation: "create bucket"))
    }

    /// Every object key in the bucket, prefix or not: what a person browsing it would see.
    static func objectKeys(_ store: S3BlobStore) async throws -> [String] {
        let body = try await store.client.sendReadingBody(
            S3Request(method: "GET", objectKey: nil, query: [("list-type", "2")], operation: "list"))
        return try #require(S3Responses.objectPage(body)).objects.map(\.key)
    }

    /// Multipart uploads in progress in the bucket.
    static func uploadCount(_ store: S3BlobStore) async throws -> Int {
        let body = try await store.client.sendReadingBody(
            S3Request(method: "GET", objectKey: nil, query: [("uploads", "")], operation: "list uploads"))
        return try #require(S3Responses.uploadPage(body)).uploads.count
    }
}
