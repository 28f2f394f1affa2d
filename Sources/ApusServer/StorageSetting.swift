import Archive
public import ArchiveS3
import Foundation

/// Where blobs go: the `storage` setting (`APUS_STORAGE`, `--storage`).
///
///     files                                   files under the data directory (the default)
///     s3://bucket[/prefix][?endpoint=http://host:port&region=eu-west-1&addressing=path|virtual&sse=AES256]
public enum StorageSetting: Sendable, Equatable {
    case files
    case s3(S3Location)
    /// Inside the PostgreSQL index's database, in chunks (Korthweb's `EnableStorage` mode):
    /// one server to run and back up; every byte goes through the database.
    case postgres

    /// The parts of an `s3://` setting; what it leaves out comes from the AWS variables or
    /// defaults when the store is built (`ServerConfiguration.s3Configuration()`).
    public struct S3Location: Sendable, Equatable {
        public var bucket: String
        public var prefix: String
        public var endpoint: S3Endpoint?
        public var region: String?
        public var addressing: S3Configuration.Addressing?
        public var serverSideEncryption: String?
    }

    static func parse(_ text: String, source: String) throws(ConfigurationError) -> StorageSetting {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "files" { return .files }
        if trimmed == "postgres" || trimmed == "postgresql" { return .postgres }
        guard trimmed.hasPrefix("s3://") else {
            throw ConfigurationError(
                setting: source, problem: "'\(text)' is not 'files', 'postgres' or an s3://bucket/prefix URL")
        }
        let rest = trimmed.dropFirst(5)
        let (location, queryText) =
            rest.firstIndex(of: "?").map { (rest[..<$0], rest[rest.index(after: $0)...]) } ?? (rest, "")
        let bucket = String(location.prefix { $0 != "/" })
        guard S3Configuration.isValidBucketName(bucket) else {
            throw ConfigurationError(
                setting: source,
                problem: "'\(bucket)' is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)")
        }
        let prefix = String(location.dropFirst(bucket.count))
        guard prefix.isEmpty || BlobKeyPrefix.isValid(prefix) else {
            throw ConfigurationError(
                setting: source, problem: "the prefix '\(prefix)' may hold only letters, digits, '.', '_', '-' and '/'")
        }
        var result = S3Location(bucket: bucket, prefix: prefix)
        for pair in queryText.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let name = String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            switch name {
            case "endpoint":
                guard let endpoint = S3Endpoint(value) else {
                    throw ConfigurationError(
                        setting: source, problem: "endpoint '\(value)' is not http(s)://host[:port]")
                }
                result.endpoint = endpoint
            case "region":
                guard !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                    throw ConfigurationError(setting: source, problem: "region '\(value)' is not a region name")
                }
                result.region = value
            case "addressing":
                guard let addressing = S3Configuration.Addressing(rawValue: value) else {
                    throw ConfigurationError(
                        setting: source, problem: "addressing '\(value)' is neither path nor virtual")
                }
                result.addressing = addressing
            case "sse":
                guard !value.isEmpty else {
                    throw ConfigurationError(setting: source, problem: "sse needs a value (AES256 or aws:kms)")
                }
                result.serverSideEncryption = value
            default:
                throw ConfigurationError(
                    setting: source,
                    problem: "unknown parameter '\(name)' (known: endpoint, region, addressing, sse)")
            }
        }
        return .s3(result)
    }
}

extension StorageSetting.S3Location {
    /// `s3://bucket/prefix` for messages: the prefix keeps the slash after the bucket
    /// (`/archive`), which must not be doubled.
    var displayName: String {
        let prefix = prefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return "s3://\(bucket)" + (prefix.isEmpty ? "" : "/" + prefix)
    }
}

/// A key prefix is checked as blob keys are: the same characters, no empty or dot segments.
enum BlobKeyPrefix {
    static func isValid(_ prefix: String) -> Bool {
        let inner = prefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return inner.isEmpty || BlobKey(inner) != nil
    }
}

extension ServerConfiguration {
    /// What `/system` says the blobs are kept in.
    var storageBackendName: String {
        switch storage {
        case .files: "files"
        case .s3(let location): "s3://\(location.bucket)"
        case .postgres: "PostgreSQL"
        }
    }
}
