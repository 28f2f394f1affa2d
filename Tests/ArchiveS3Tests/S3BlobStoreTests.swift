import Archive
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import ArchiveS3

/// What only the S3 store does: multipart uploads, their abort, the sweep of abandoned
/// ones, addressing, and where objects land in the bucket. On moto_server (S3TestServer).
@Suite("S3 blob store on a real S3 API server")
struct S3BlobStoreTests {
    static let partSize = 5 << 20

    @Test("a blob over the part size goes up in parts, each part buffered once, and reads back identical")
    func multipartUpload() async throws {
        try await S3TestServer.withStore(partSize: Self.partSize) { store in
            let key = try #require(BlobKey("1.2.840.1/1.2.840.1.2.dcm"))
            // Three full parts and a short one, from chunks that straddle part boundaries.
            let content = TestBytes.bytes(count: 3 * Self.partSize + 12_345, seed: 7)
            let size = try await store.put(key, chunks: ByteBufferChunks(TestBytes.pieces(content, size: 777_777)))
            #expect(size == content.readableBytes)
            #expect(try await store.size(of: key) == content.readableBytes)
            #expect(try await TestBytes.collect(store.get(key)) == content)
            // Ranged reads across part boundaries.
            let range = (Self.partSize - 10)..<(2 * Self.partSize + 10)
            let slice = try await TestBytes.collect(store.get(key, range: range))
            #expect(slice == content.getSlice(at: range.lowerBound, length: range.count))
            #expect(try await S3TestServer.uploadCount(store) == 0)
            #expect(try await S3TestServer.objectKeys(store) == ["apus/1.2.840.1/1.2.840.1.2.dcm"])
        }
    }

    @Test("a multipart upload whose source fails after two parts is aborted: nothing under the key, no upload left")
    func failedMultipartIsAborted() async throws {
        try await S3TestServer.withStore(partSize: Self.partSize) { store in
            let key = try #require(BlobKey("1.2/3.dcm"))
            let parts = TestBytes.pieces(TestBytes.bytes(count: 2 * Self.partSize + 1, seed: 8), size: Self.partSize)
            let failing = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                for part in parts { continuation.yield(part) }
                continuation.finish(throwing: SourceFailure())
            }
            await #expect(throws: SourceFailure.self) { _ = try await store.put(key, chunks: failing) }
            #expect(try await S3TestServer.uploadCount(store) == 0)
            #expect(try await S3TestServer.objectKeys(store).isEmpty)
        }
    }

    @Test("cancelling the task of a multipart put aborts the upload and stores nothing")
    func cancelledMultipartIsAborted() async throws {
        try await S3TestServer.withStore(partSize: Self.partSize) { store in
            let key = try #require(BlobKey("1.2/4.dcm"))
            let (chunks, continuation) = AsyncStream<ByteBuffer>.makeStream()
            let put = Task { try await store.put(key, chunks: chunks) }
            // Two parts and then nothing: the put waits for more until it is cancelled.
            for part in TestBytes.pieces(TestBytes.bytes(count: 2 * Self.partSize + 1, seed: 9), size: 1 << 20) {
                continuation.yield(part)
            }
            try await Task.sleep(for: .milliseconds(500))
            put.cancel()
            await #expect(throws: CancellationError.self) { _ = try await put.value }
            continuation.finish()
            #expect(try await S3TestServer.uploadCount(store) == 0)
            #expect(try await S3TestServer.objectKeys(store).isEmpty)
        }
    }

    @Test("removeIncomplete aborts the uploads under the store's prefix and no others")
    func removeIncomplete() async throws {
        try await S3TestServer.withStore { store in
            for key in ["apus/1.2/crashed.dcm", "apus/1.3/crashed.dcm", "other/not-ours.dcm"] {
                _ = try await store.client.sendReadingBody(
                    S3Request(method: "POST", objectKey: key, query: [("uploads", "")], operation: "create upload"))
            }
            #expect(try await S3TestServer.uploadCount(store) == 3)
            #expect(try await store.removeIncomplete(olderThan: 0) == 2)
            #expect(try await S3TestServer.uploadCount(store) == 1)
        }
    }

    /// moto reports every upload as initiated in 2010, so the age rule is checked on a listing
    /// S3 could send.
    @Test("only uploads older than the age and under the prefix count as abandoned")
    func abandonedUploads() throws {
        let listing = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Bucket>b</Bucket><IsTruncated>true</IsTruncated>
              <NextKeyMarker>apus/3.dcm</NextKeyMarker><NextUploadIdMarker>u3</NextUploadIdMarker>
              <Upload><Key>apus/1.dcm</Key><UploadId>u1</UploadId><Initiated>2026-11-25T10:00:00.000Z</Initiated></Upload>
              <Upload><Key>apus/2.dcm</Key><UploadId>u2</UploadId><Initiated>2026-11-25T11:59:00.000Z</Initiated></Upload>
              <Upload><Key>other/3.dcm</Key><UploadId>u3</UploadId><Initiated>2026-11-25T10:00:00Z</Initiated></Upload>
            </ListMultipartUploadsResult>
            """
        let page = try #require(S3Responses.uploadPage(Array(listing.utf8)))
        #expect(page.uploads.map(\.uploadID) == ["u1", "u2", "u3"])
        #expect(page.next?.keyMarker == "apus/3.dcm")
        #expect(page.next?.uploadIDMarker == "u3")
        let noon = 1_795_608_000.0  // 2026-11-25T12:00:00Z
        #expect(page.uploads.first?.initiated == noon - 7200)
        let abandoned = S3BlobStore.abandoned(page.uploads, prefix: "apus/", initiatedBefore: noon - 3600)
        #expect(abandoned.map(\.uploadID) == ["u1"])
    }

    @Test("XML that is not S3's, or not well formed, is refused rather than misread")
    func hostileXML() {
        #expect(S3Responses.objectPage(Array("<ListBucketResult><Contents><Key>a".utf8)) == nil)
        #expect(S3Responses.objectPage(Array("<Other/>".utf8)) == nil)
        #expect(S3Responses.uploadID(Array("<InitiateMultipartUploadResult/>".utf8)) == nil)
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect(S3XMLElement.parse(Array(deep.utf8)) == nil)
        let entity = """
            <?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <Error><Code>&x;</Code><Message>m</Message></Error>
            """
        #expect(S3Responses.error(Array(entity.utf8))?.code.contains("root") != true)
    }

    @Test("list pages through more than 1,000 objects and leaves out objects outside the prefix or not blob keys")
    func listPages() async throws {
        try await S3TestServer.withStore { store in
            let count = 1_005
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask {
                        let key = try #require(BlobKey("1.2.\(index % 7)/\(index).dcm"))
                        _ = try await store.put(key, bytes: ByteBuffer(bytes: [UInt8(index % 256)]))
                    }
                    if index >= 16 { try await group.next() }
                }
                try await group.waitForAll()
            }
            for foreign in ["elsewhere/x.dcm", "apus/has space.dcm"] {
                _ = try await store.client.send(
                    S3Request(method: "PUT", objectKey: foreign, body: ByteBuffer(bytes: [1]), operation: "put"))
            }
            var keys = Set<BlobKey>()
            for try await info in store.list() {
                #expect(info.size == 1)
                keys.insert(info.key)
            }
            #expect(keys.count == count)
        }
    }

    @Test("virtual-hosted addressing puts the bucket in the host name")
    func virtualHostedAddressing() throws {
        var configuration = try S3TestServer.configuration(bucket: "examplebucket", addressing: .virtualHosted)
        configuration.endpoint = S3Endpoint(secure: true, host: "s3.eu-west-1.amazonaws.com")
        let client = S3Client(
            configuration: configuration, httpClient: .shared, logger: Logger(label: "test"))
        let (url, headers) = client.prepare(
            S3Request(method: "GET", objectKey: "apus/1.2/3.dcm", operation: "read"), secondsSince1970: 0)
        #expect(url == "https://examplebucket.s3.eu-west-1.amazonaws.com/apus/1.2/3.dcm")
        #expect(
            headers.first(name: "authorization")?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date") == true
        )

        configuration.addressing = .path
        configuration.endpoint = try #require(S3Endpoint("http://127.0.0.1:9000/"))
        configuration.credentials.sessionToken = "token"
        let pathClient = S3Client(configuration: configuration, httpClient: .shared, logger: Logger(label: "test"))
        let (pathURL, pathHeaders) = pathClient.prepare(
            S3Request(
                method: "GET", objectKey: nil, query: [("prefix", "apus/"), ("list-type", "2")], operation: "list"),
            secondsSince1970: 0)
        #expect(pathURL == "http://127.0.0.1:9000/examplebucket?list-type=2&prefix=apus%2F")
        #expect(pathHeaders.first(name: "x-amz-security-token") == "token")
        #expect(pathHeaders.first(name: "authorization")?.contains(";x-amz-security-token,") == true)
    }

    @Test(
        "endpoints parse from URLs; anything else is refused",
        arguments: [
            ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
            ("https://minio.example.org", "https://minio.example.org"),
            ("https://s3.example.org:443/", "https://s3.example.org"), ("http://[::1]:5000", "http://[::1]:5000"),
            ("ftp://x", nil), ("http://", nil), ("http://host/path", nil), ("http://u@host", nil), ("http://h:0", nil),
            ("127.0.0.1:9000", nil),
        ])
    func endpoints(text: String, expected: String?) {
        #expect(S3Endpoint(text)?.description == expected)
    }

    @Test("server-side encryption goes with every upload")
    func serverSideEncryption() async throws {
        let endpoint = try S3TestServer.endpoint()
        let configuration = S3Configuration(
            bucket: S3TestServer.newBucketName(), endpoint: endpoint, serverSideEncryption: "AES256",
            credentials: S3TestServer.credentials, partSize: Self.partSize)
        try await S3BlobStore.with(configuration: configuration, logger: Logger(label: "test")) { store in
            try await S3TestServer.createBucket(store)
            let small = try #require(BlobKey("small.dcm"))
            let large = try #require(BlobKey("large.dcm"))
            _ = try await store.put(small, bytes: ByteBuffer(bytes: [1, 2]))
            _ = try await store.put(large, bytes: TestBytes.bytes(count: Self.partSize + 1, seed: 10))
            for key in [small, large] {
                let response = try await store.client.send(
                    S3Request(method: "HEAD", objectKey: key.rawValue, operation: "head"))
                #expect(response.headers.first(name: "x-amz-server-side-encryption") == "AES256", "\(key)")
            }
        }
    }

    @Test("S3's error code and message reach the error's description")
    func errorsCarryS3Codes() async throws {
        let configuration = try S3TestServer.configuration(bucket: S3TestServer.newBucketName())
        try await S3BlobStore.with(configuration: configuration, logger: Logger(label: "test")) { store in
            // The bucket was never created.
            let error = await #expect(throws: BlobStoreError.self) {
                _ = try await store.put(try #require(BlobKey("a.dcm")), bytes: ByteBuffer(bytes: [1]))
            }
            #expect(error?.description.contains("NoSuchBucket") == true, "\(String(describing: error))")
        }
    }
}

struct SourceFailure: Error {}
