import Crypto

/// AWS Signature Version 4 for requests signed in the `Authorization` header
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
/// Pure: the request's parts and a timestamp in, the canonical request, the string to sign
/// and the header out, so that tests compare each step with AWS's published vectors.
struct SigV4Signer: Sendable {
    var credentials: S3Credentials
    var region: String
    var service: String

    /// What gets signed. `path` is the decoded path (`/bucket/key`), `query` the decoded
    /// parameters; both are encoded here exactly as they must go on the wire.
    struct Request: Sendable {
        var method: String
        var path: String
        var query: [(name: String, value: String)]
        /// Every header to sign, `host` included; names in any case.
        var headers: [(name: String, value: String)]
        /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
        var payloadHash: String
    }

    struct Signature: Sendable {
        var canonicalRequest: String
        var stringToSign: String
        var signature: String
        var authorization: String
        /// The lower-case header names, `;`-separated, as the `Authorization` header lists them.
        var signedHeaders: String
    }

    /// The path in the canonical (and wire) form: each byte but unreserved ones and `/`
    /// percent-encoded once. S3 neither normalizes nor double-encodes paths.
    static func canonicalPath(_ path: String) -> String {
        path.isEmpty ? "/" : SigV4Encoding.uriEncode(path, encodeSlash: false)
    }

    /// Parameters encoded, then sorted by name and value byte by byte.
    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (SigV4Encoding.uriEncode($0.name), SigV4Encoding.uriEncode($0.value)) }
            .sorted {
                $0.0 != $1.0
                    ? Array($0.0.utf8).lexicographicallyPrecedes($1.0.utf8)
                    : Array($0.1.utf8).lexicographicallyPrecedes($1.1.utf8)
            }
            .map { $0.0 + "=" + $0.1 }
            .joined(separator: "&")
    }

    func sign(_ request: Request, at timestamp: SigV4Timestamp) -> Signature {
        // Headers of one name join with commas in the order given; names sort by byte.
        var merged: [String: [String]] = [:]
        for header in request.headers {
            merged[header.name.lowercased(), default: []].append(SigV4Encoding.trimmedHeaderValue(header.value))
        }
        let names = merged.keys.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
        let canonicalHeaders = names.map { $0 + ":" + (merged[$0] ?? []).joined(separator: ",") + "\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [
            request.method, Self.canonicalPath(request.path), Self.canonicalQuery(request.query), canonicalHeaders,
            signedHeaders, request.payloadHash,
        ].joined(separator: "\n")
        let scope = "\(timestamp.date)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", timestamp.dateTime, scope, SigV4Encoding.sha256Hex(Array(canonicalRequest.utf8)),
        ].joined(separator: "\n")
        let signature = SigV4Encoding.hex(
            Self.hmac(key: signingKey(date: timestamp.date), Array(stringToSign.utf8)))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            authorization: authorization, signedHeaders: signedHeaders)
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    func signingKey(date: String) -> [UInt8] {
        var key = Array(("AWS4" + credentials.secretAccessKey).utf8)
        for part in [date, region, service, "aws4_request"] {
            key = Self.hmac(key: key, Array(part.utf8))
        }
        return key
    }

    static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
