import ArchiveS3
import Testing

@testable import ApusServer

/// The `storage` setting and where an S3 store's endpoint, region, addressing and
/// credentials come from.
@Suite("storage setting")
struct StorageSettingTests {
    static let keys = ["APUS_S3_ACCESS_KEY_ID": "id", "APUS_S3_SECRET_ACCESS_KEY": "secret"]

    @Test func filesByDefaultAndS3FromTheURL() throws {
        #expect(try ServerConfiguration.load(file: nil, environment: [:]).storage == .files)
        #expect(try ServerConfiguration.load(file: nil, environment: [:]).s3Configuration() == nil)
        let environment = Self.keys.merging([
            "APUS_STORAGE": "s3://pacs-bucket/apus/archive?endpoint=http://10.0.0.5:9000&region=eu-west-3&sse=AES256"
        ]) { $1 }
        let s3 = try #require(try ServerConfiguration.load(file: nil, environment: environment).s3Configuration())
        #expect(s3.bucket == "pacs-bucket")
        #expect(s3.prefix == "apus/archive/")
        #expect(s3.endpoint == S3Endpoint(secure: false, host: "10.0.0.5", port: 9000))
        #expect(s3.region == "eu-west-3")
        #expect(s3.addressing == .path)
        #expect(s3.serverSideEncryption == "AES256")
        #expect(s3.credentials == S3Credentials(accessKeyID: "id", secretAccessKey: "secret"))
    }

    @Test func directWritesAreOnUnlessTurnedOff() throws {
        #expect(try ServerConfiguration.load(file: nil, environment: [:]).directWrites)
        #expect(try !ServerConfiguration.load(file: nil, environment: ["APUS_DIRECT_WRITES": "false"]).directWrites)
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(file: nil, environment: ["APUS_DIRECT_WRITES": "sometimes"])
        }
    }

    /// `apus check` named the store `s3://bucket//archive`: the prefix keeps its leading slash.
    @Test func aLocationIsNamedWithOneSlashAfterTheBucket() throws {
        for (url, name) in [
            ("s3://pacs-bucket/archive", "s3://pacs-bucket/archive"), ("s3://pacs-bucket", "s3://pacs-bucket"),
            ("s3://pacs-bucket/", "s3://pacs-bucket"), ("s3://pacs-bucket/a/b/?region=r1", "s3://pacs-bucket/a/b"),
        ] {
            let storage = try ServerConfiguration.load(file: nil, environment: ["APUS_STORAGE": url]).storage
            guard case .s3(let location) = storage else {
                Issue.record("\(url) is not an S3 location: \(storage)")
                continue
            }
            #expect(location.displayName == name)
        }
    }

    @Test func awsVariablesFillWhatTheURLLeavesOut() throws {
        let onAWS = try ServerConfiguration.load(
            file: nil,
            environment: [
                "APUS_STORAGE": "s3://pacs-bucket", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "S",
                "AWS_SESSION_TOKEN": "T", "AWS_DEFAULT_REGION": "eu-central-1",
            ]
        ).s3Configuration()
        #expect(onAWS?.endpoint == S3Endpoint(secure: true, host: "s3.eu-central-1.amazonaws.com"))
        #expect(onAWS?.addressing == .virtualHosted)
        #expect(onAWS?.prefix == "")
        #expect(onAWS?.credentials == S3Credentials(accessKeyID: "AKID", secretAccessKey: "S", sessionToken: "T"))

        let minio = try ServerConfiguration.load(
            file: nil,
            environment: Self.keys.merging([
                "APUS_STORAGE": "s3://pacs-bucket?addressing=virtual", "AWS_ENDPOINT_URL": "http://minio:9000",
                "AWS_ENDPOINT_URL_S3": "https://s3.internal", "AWS_REGION": "r1", "AWS_DEFAULT_REGION": "r2",
            ]) { $1 }
        ).s3Configuration()
        #expect(minio?.endpoint == S3Endpoint(secure: true, host: "s3.internal"))
        #expect(minio?.region == "r1")
        #expect(minio?.addressing == .virtualHosted)
        #expect(minio?.credentials.sessionToken == nil)
    }

    @Test(
        arguments: [
            ("s3://", "is not a bucket name"), ("s3://Bucket", "is not a bucket name"),
            ("s3://ab", "is not a bucket name"), ("s3://bucket/a b", "the prefix"),
            ("s3://bucket/../x", "the prefix"), ("s3://bucket?endpoint=ftp://x", "endpoint 'ftp://x'"),
            ("s3://bucket?addressing=dns", "neither path nor virtual"), ("s3://bucket?colour=red", "unknown parameter"),
            ("s3://bucket?region=", "not a region name"), ("gs://bucket", "is not 'files', 'postgres' or an s3://"),
        ])
    func badURLsAreRefusedNamingTheSetting(url: String, problem: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(file: nil, environment: ["APUS_STORAGE": url])
        }
        #expect(error?.setting == "APUS_STORAGE")
        #expect(error?.problem.contains(problem) == true, "\(String(describing: error))")
    }

    @Test func missingOrHalfCredentialsAreRefused() throws {
        let none = try ServerConfiguration.load(file: nil, environment: ["APUS_STORAGE": "s3://bucket"])
        let error = #expect(throws: ConfigurationError.self) { try none.s3Configuration() }
        #expect(error?.problem.contains("APUS_S3_ACCESS_KEY_ID") == true)
        let half = try ServerConfiguration.load(
            file: nil, environment: ["APUS_STORAGE": "s3://bucket", "APUS_S3_ACCESS_KEY_ID": "id"])
        #expect(throws: ConfigurationError.self) { try half.s3Configuration() }
    }

    @Test func secretsStayOutOfDescriptions() {
        let credentials = S3Credentials(
            accessKeyID: "AKID", secretAccessKey: "very-secret", sessionToken: "zz-session-zz")
        #expect(!"\(credentials)".contains("very-secret"))
        #expect(!"\(credentials)".contains("zz-session-zz"))
    }
}
