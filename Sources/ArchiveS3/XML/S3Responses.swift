import Foundation

/// The parts of S3's XML answers that the blob store reads.
enum S3Responses {
    /// `<Error><Code>NoSuchKey</Code><Message>…</Message></Error>`.
    struct ErrorBody: Sendable, Hashable {
        var code: String
        var message: String
    }

    static func error(_ bytes: [UInt8]) -> ErrorBody? {
        guard let root = S3XMLElement.parse(bytes), root.name == "Error" else { return nil }
        return ErrorBody(code: root.text("Code") ?? "", message: root.text("Message") ?? "")
    }

    /// A page of ListObjectsV2.
    struct ObjectPage: Sendable {
        struct Object: Sendable {
            var key: String
            var size: Int
            var modified: Double
        }
        var objects: [Object]
        var nextContinuationToken: String?
    }

    static func objectPage(_ bytes: [UInt8]) -> ObjectPage? {
        guard let root = S3XMLElement.parse(bytes), root.name == "ListBucketResult" else { return nil }
        var objects: [ObjectPage.Object] = []
        for element in root.children("Contents") {
            guard let key = element.text("Key"), let size = element.text("Size").flatMap({ Int($0) }) else {
                return nil
            }
            objects.append(
                .init(key: key, size: size, modified: element.text("LastModified").flatMap(timestamp) ?? 0))
        }
        let truncated = root.text("IsTruncated") == "true"
        let token = root.text("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        return ObjectPage(objects: objects, nextContinuationToken: truncated ? token : nil)
    }

    /// A page of ListMultipartUploads.
    struct UploadPage: Sendable {
        struct Upload: Sendable {
            var key: String
            var uploadID: String
            var initiated: Double
        }
        var uploads: [Upload]
        /// The markers of the next page; nil on the last.
        var next: (keyMarker: String, uploadIDMarker: String)?
    }

    static func uploadPage(_ bytes: [UInt8]) -> UploadPage? {
        guard let root = S3XMLElement.parse(bytes), root.name == "ListMultipartUploadsResult" else { return nil }
        var uploads: [UploadPage.Upload] = []
        for element in root.children("Upload") {
            guard let key = element.text("Key"), let uploadID = element.text("UploadId") else { return nil }
            uploads.append(
                .init(key: key, uploadID: uploadID, initiated: element.text("Initiated").flatMap(timestamp) ?? 0))
        }
        var next: (String, String)?
        if root.text("IsTruncated") == "true", let keyMarker = root.text("NextKeyMarker") {
            next = (keyMarker, root.text("NextUploadIdMarker") ?? "")
        }
        return UploadPage(uploads: uploads, next: next)
    }

    /// The upload id of CreateMultipartUpload.
    static func uploadID(_ bytes: [UInt8]) -> String? {
        guard let root = S3XMLElement.parse(bytes), root.name == "InitiateMultipartUploadResult" else { return nil }
        return root.text("UploadId").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// CompleteMultipartUpload can answer 200 with an error in the body.
    static func completionError(_ bytes: [UInt8]) -> ErrorBody? {
        error(bytes)
    }

    /// The CompleteMultipartUpload request body.
    static func completeBody(etags: [String]) -> String {
        var body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (index, etag) in etags.enumerated() {
            body += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(escaped(etag))</ETag></Part>"
        }
        return body + "</CompleteMultipartUpload>"
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `2013-09-17T18:07:53.000Z` in seconds since 1970.
    static func timestamp(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date.timeIntervalSince1970
        }
        return (try? Date(trimmed, strategy: Date.ISO8601FormatStyle()))?.timeIntervalSince1970
    }
}
