import Archive
import DICOM
import DICOMNetwork
import Foundation
import Logging
import NIOCore
import Testing

@testable import ArchiveS3

/// `apus serve --storage s3://…` against the test S3 server (moto_server, started by
/// scripts/s3-for-tests): what DCMTK's storescu stores lands in the bucket, and C-FIND and
/// C-GET answer from it; a bucket that cannot be used stops start-up with a plain message.
@Suite("apus serve on S3 storage")
struct S3EndToEndTests {
    static let credentials = ["APUS_S3_ACCESS_KEY_ID": "apus-test", "APUS_S3_SECRET_ACCESS_KEY": "apus-test-secret"]

    static func endpoint() throws -> String {
        guard let endpoint = ProcessInfo.processInfo.environment["APUS_TEST_S3_ENDPOINT"], !endpoint.isEmpty else {
            throw NoS3Server(detail: "APUS_TEST_S3_ENDPOINT is not set")
        }
        return endpoint
    }

    /// The bucket's own view, with the test credentials.
    static func withBucket<Result: Sendable>(
        _ bucket: String, create: Bool = true, _ body: (S3BlobStore) async throws -> Result
    ) async throws -> Result {
        let text = try endpoint()
        guard let endpoint = S3Endpoint(text) else {
            throw NoS3Server(detail: "APUS_TEST_S3_ENDPOINT is '\(text)', not http://host:port")
        }
        let configuration = S3Configuration(
            bucket: bucket, endpoint: endpoint,
            credentials: S3Credentials(accessKeyID: "apus-test", secretAccessKey: "apus-test-secret"))
        return try await S3BlobStore.with(configuration: configuration, logger: Logger(label: "test")) { store in
            if create {
                _ = try await store.client.send(S3Request(method: "PUT", objectKey: nil, operation: "create bucket"))
            }
            return try await body(store)
        }
    }

    @Test func storeFindAndGetThroughTheBucket() async throws {
        let directory = try TemporaryDirectory()
        let files = try RetrieveEndToEndTests.corpus.map(Pydicom.corpusFile)
        let bucket = "apus-e2e-" + UUID().uuidString.lowercased().prefix(12)
        try await Self.withBucket(bucket) { bucketView in
            let server = try ServerProcess(
                dataDirectory: directory.path,
                arguments: ["--storage", "s3://\(bucket)/archive?endpoint=\(try Self.endpoint())&addressing=path"],
                environment: Self.credentials)
            defer { server.terminate() }
            let port = try await server.waitForPort()
            try await RetrieveEndToEndTests.storeWithStorescu(files, port: port)
            #expect(try await Server.findStudies(port: port).count == files.count)
            let (association, received, result) = try await RetrieveEndToEndTests.getEveryStudy(of: files, port: port)
            try await association.release()
            #expect(result.subOperations.completed == UInt16(files.count))
            #expect(received.count == files.count)

            // One object per instance under the prefix, nothing in the data directory's files,
            // and each object's data set is what C-GET sent back, byte for byte.
            var objects: [BlobInfo] = []
            for try await info in bucketView.list() { objects.append(info) }
            #expect(objects.count == files.count)
            #expect(objects.allSatisfy { $0.key.rawValue.hasPrefix("archive/") })
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/files/blobs"))
            for object in objects {
                let bytes = try await bucketView.read(object.key)
                #expect(bytes.readableBytes == object.size)
                let uid = try DICOMFile(reading: bytes).dataSet.string(.sopInstanceUID) ?? ""
                let dataSet = RetrieveEndToEndTests.dataSetBytes(in: bytes, name: object.key.rawValue)
                #expect(received[uid].map { Array($0.readableBytesView) } == dataSet, "\(uid)")
            }
        }
    }

    @Test func aBucketThatCannotBeUsedStopsStartUp() async throws {
        let directory = try TemporaryDirectory()
        // Never created.
        let (status, output) = try await ServerProcess.withRunning(
            dataDirectory: directory.path,
            arguments: ["--storage", "s3://apus-no-such-bucket/x?endpoint=\(try Self.endpoint())"],
            environment: Self.credentials
        ) { await $0.ended() }
        #expect(status != 0)
        #expect(output.contains("storage: the bucket s3://apus-no-such-bucket/x/"), "\(output)")
        #expect(output.contains("NoSuchBucket"), "\(output)")

        let (badStatus, badOutput) = try await ServerProcess.withRunning(
            dataDirectory: directory.path, arguments: ["--storage", "s3://Not_A_Bucket/x"],
            environment: Self.credentials
        ) { await $0.ended() }
        #expect(badStatus == 2)
        #expect(badOutput.contains("--storage: 'Not_A_Bucket' is not a bucket name"), "\(badOutput)")

        let (_, noCredentialsOutput) = try await ServerProcess.withRunning(
            dataDirectory: directory.path,
            arguments: ["--storage", "s3://apus-no-such-bucket?endpoint=\(try Self.endpoint())"],
            environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""]
        ) { await $0.ended() }
        #expect(noCredentialsOutput.contains("S3 storage needs credentials"), "\(noCredentialsOutput)")
    }
}

/// These tests need a real S3 API server; without one they fail and say how to start it.
struct NoS3Server: Error, CustomStringConvertible {
    var detail: String
    var description: String {
        "\(detail): these tests need an S3 API server. ./scripts/test starts moto_server; "
            + "or run eval \"$(scripts/s3-for-tests start)\" first"
    }
}
