/// Where an `S3BlobStore` keeps its blobs and how it talks to the server.
public struct S3Configuration: Sendable, Hashable {
    /// How the bucket appears in request URLs.
    public enum Addressing: String, Sendable, Hashable {
        /// `http://endpoint/bucket/key`: MinIO, Ceph RGW, moto, any endpoint without
        /// wildcard DNS or certificates for `bucket.endpoint`.
        case path
        /// `https://bucket.endpoint/key`: AWS's default, required for new AWS features.
        case virtualHosted = "virtual"
    }

    public var bucket: String
    /// Prepended to every key (`apus/` for `s3://bucket/apus`): empty, or ending in `/`.
    public var prefix: String
    public var endpoint: S3Endpoint
    public var region: String
    public var addressing: Addressing
    /// The `x-amz-server-side-encryption` value for uploads (`AES256`, `aws:kms`), if any.
    public var serverSideEncryption: String?
    public var credentials: S3Credentials
    /// Objects up to this size go in one PUT; larger ones in parts of this size. S3 needs
    /// parts of at least 5 MiB except the last; tests use smaller ones against moto.
    public var partSize: Int
    /// Parts of one upload in flight at once; memory per upload is about
    /// `(uploadConcurrency + 1) * partSize`.
    public var uploadConcurrency: Int
    public var retry: S3RetryPolicy

    public init(
        bucket: String, prefix: String = "", endpoint: S3Endpoint? = nil, region: String = "us-east-1",
        addressing: Addressing = .path, serverSideEncryption: String? = nil, credentials: S3Credentials,
        partSize: Int = 8 << 20, uploadConcurrency: Int = 4, retry: S3RetryPolicy = S3RetryPolicy()
    ) {
        self.bucket = bucket
        self.prefix = Self.normalizedPrefix(prefix)
        self.endpoint = endpoint ?? S3Endpoint.aws(region: region)
        self.region = region
        self.addressing = addressing
        self.serverSideEncryption = serverSideEncryption
        self.credentials = credentials
        self.partSize = max(1, partSize)
        self.uploadConcurrency = max(1, uploadConcurrency)
        self.retry = retry
    }

    static func normalizedPrefix(_ prefix: String) -> String {
        let trimmed = prefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return trimmed.isEmpty ? "" : trimmed + "/"
    }

    /// Bucket names as S3 accepts them: 3 to 63 of `a-z 0-9 . -` (MinIO and moto follow
    /// the same rule), which also keeps them safe in a host name and a path.
    public static func isValidBucketName(_ name: String) -> Bool {
        (3...63).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "-")
            }
    }
}

/// The server: scheme, host and port, parsed from `http://127.0.0.1:9000` or similar.
public struct S3Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var secure: Bool
    public var host: String
    public var port: Int?

    public init(secure: Bool, host: String, port: Int? = nil) {
        self.secure = secure
        self.host = host
        self.port = port
    }

    /// AWS's regional endpoint.
    public static func aws(region: String) -> S3Endpoint {
        S3Endpoint(secure: true, host: "s3.\(region).amazonaws.com")
    }

    /// `http(s)://host[:port][/]`; nil for anything else (a path, user info, no host).
    public init?(_ text: String) {
        let secure: Bool
        var rest: Substring
        if text.lowercased().hasPrefix("https://") {
            secure = true
            rest = text.dropFirst(8)
        } else if text.lowercased().hasPrefix("http://") {
            secure = false
            rest = text.dropFirst(7)
        } else {
            return nil
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("@"), !rest.contains("?") else { return nil }
        var port: Int?
        var host = rest
        // The last colon outside an IPv6 literal's brackets starts the port.
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("]") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                return nil
            }
            port = number
            host = rest[..<colon]
        }
        guard !host.isEmpty else { return nil }
        self.init(secure: secure, host: String(host), port: port)
    }

    /// `host` or `host:port` as the Host header carries it (the default port omitted).
    var authority: String {
        guard let port, port != (secure ? 443 : 80) else { return host }
        return "\(host):\(port)"
    }

    public var description: String { (secure ? "https://" : "http://") + authority }
}
