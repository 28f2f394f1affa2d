import Archive
import NIOCore

/// One S3 API call, before it is signed: signed anew on every attempt, so that a retry
/// carries a fresh date.
struct S3Request: Sendable {
    var method: String
    /// The object's full key (prefix included); nil for a call on the bucket itself.
    var objectKey: String?
    var query: [(name: String, value: String)] = []
    var headers: [(name: String, value: String)] = []
    /// Held whole in memory, so every attempt can send it again.
    var body: ByteBuffer?
    /// For errors: what was being done, and to which blob.
    var operation: String
    var blobKey: BlobKey?
    /// Whether sending it twice is harmless (GET, HEAD, PUT, DELETE, and the POSTs whose
    /// repetition only leaves an upload for `removeIncomplete`).
    var idempotent: Bool = true
}

/// What an S3 call failed with: S3's status, error code and message where it sent them.
struct S3Failure: Error, Sendable {
    var status: Int
    var code: String?
    var message: String?

    func blobStoreError(key: BlobKey?, operation: String) -> BlobStoreError {
        let blobCode: BlobStoreError.Code =
            switch (status, code) {
            // A missing bucket is a configuration problem, not a missing blob.
            case (_, "NoSuchKey"), (_, "NoSuchUpload"), (404, nil), (404, ""): .notFound
            case (501, _), (_, "NotImplemented"): .unsupported
            case (416, _), (_, "InvalidRange"): .invalidRange
            default: .io
            }
        var reason = "S3 answered HTTP \(status)"
        if let code, !code.isEmpty { reason += " \(code)" }
        if let message, !message.isEmpty { reason += ": \(message)" }
        return BlobStoreError(code: blobCode, key: key, operation: operation, reason: reason)
    }
}
