public import Archive
import AsyncHTTPClient
import Logging
public import NIOCore
import NIOHTTP1

extension S3BlobStore {
    /// S3's limit on the parts of one upload.
    static let maximumParts = 10_000

    /// Up to `partSize` bytes go in one PUT signed with the payload's SHA-256. Beyond that, a
    /// multipart upload: the source is read one part at a time, parts go up
    /// `uploadConcurrency` at once, and the upload is completed at the end; on any failure or
    /// cancellation it is aborted, so nothing is left under the key and no parts are billed.
    public func put<Chunks: AsyncSequence>(_ key: BlobKey, chunks: Chunks) async throws -> Int
    where Chunks.Element == ByteBuffer {
        let partSize = configuration.partSize
        var iterator = chunks.makeAsyncIterator()
        var pending = ByteBuffer()
        while pending.readableBytes <= partSize {
            guard var chunk = try await iterator.next() else {
                // A cancelled AsyncStream ends as if complete: never store its truncated bytes.
                try Task.checkCancellation()
                try await putObject(key, body: pending)
                return pending.readableBytes
            }
            pending.writeBuffer(&chunk)
        }
        let uploadID = try await createUpload(key)
        do {
            let size = try await uploadParts(key, uploadID: uploadID, pending: pending, rest: &iterator)
            return size
        } catch {
            await abortUpload(key: objectKey(key), uploadID: uploadID, blobKey: key)
            throw error
        }
    }

    private func putObject(_ key: BlobKey, body: ByteBuffer) async throws {
        var request = S3Request(method: "PUT", objectKey: objectKey(key), body: body, operation: "write", blobKey: key)
        request.headers.append(("content-type", "application/dicom"))
        if let encryption = configuration.serverSideEncryption {
            request.headers.append(("x-amz-server-side-encryption", encryption))
        }
        _ = try await client.send(request)
    }

    private func createUpload(_ key: BlobKey) async throws -> String {
        var request = S3Request(
            method: "POST", objectKey: objectKey(key), query: [("uploads", "")], operation: "create multipart upload",
            blobKey: key)
        request.headers.append(("content-type", "application/dicom"))
        if let encryption = configuration.serverSideEncryption {
            request.headers.append(("x-amz-server-side-encryption", encryption))
        }
        let body = try await client.sendReadingBody(request)
        guard let uploadID = S3Responses.uploadID(body) else {
            throw BlobStoreError(
                code: .io, key: key, operation: "create multipart upload", reason: "S3's answer holds no UploadId")
        }
        return uploadID
    }

    /// Uploads `pending` and the rest of the source in parts, then completes the upload.
    private func uploadParts<Iterator: AsyncIteratorProtocol>(
        _ key: BlobKey, uploadID: String, pending: ByteBuffer, rest iterator: inout Iterator
    ) async throws -> Int where Iterator.Element == ByteBuffer {
        let partSize = configuration.partSize
        let concurrency = configuration.uploadConcurrency
        var pending = pending
        var total = 0
        let etags = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var etags: [Int: String] = [:]
            var partNumber = 0
            var inFlight = 0
            var finished = false
            while !finished || pending.readableBytes > 0 {
                // Fill one part, or take what is left at the end of the source.
                while !finished, pending.readableBytes < partSize {
                    if var chunk = try await iterator.next() {
                        pending.writeBuffer(&chunk)
                    } else {
                        finished = true
                    }
                }
                let length = min(partSize, pending.readableBytes)
                guard length > 0, let part = pending.readSlice(length: length) else { break }
                pending.discardReadBytes()
                partNumber += 1
                total += length
                guard partNumber <= Self.maximumParts else {
                    throw BlobStoreError(
                        code: .io, key: key, operation: "write",
                        reason: "more than \(Self.maximumParts) parts of \(partSize) bytes: raise the part size")
                }
                if inFlight >= concurrency, let (number, etag) = try await group.next() {
                    etags[number] = etag
                    inFlight -= 1
                }
                let number = partNumber
                group.addTask { (number, try await uploadPart(key, uploadID: uploadID, number: number, body: part)) }
                inFlight += 1
            }
            while let (number, etag) = try await group.next() { etags[number] = etag }
            try Task.checkCancellation()
            let ordered = (1...max(1, partNumber)).compactMap { etags[$0] }
            guard ordered.count == partNumber else {
                throw BlobStoreError(code: .io, key: key, operation: "write", reason: "a part's upload went missing")
            }
            return ordered
        }
        try await completeUpload(key, uploadID: uploadID, etags: etags, size: total)
        return total
    }

    private func uploadPart(_ key: BlobKey, uploadID: String, number: Int, body: ByteBuffer) async throws -> String {
        let request = S3Request(
            method: "PUT", objectKey: objectKey(key), query: [("partNumber", String(number)), ("uploadId", uploadID)],
            body: body, operation: "upload part \(number)", blobKey: key)
        let response = try await client.send(request)
        guard let etag = response.headers.first(name: "etag"), !etag.isEmpty else {
            throw BlobStoreError(
                code: .io, key: key, operation: "upload part \(number)", reason: "S3 sent no ETag for the part")
        }
        return etag
    }

    /// A retried completion whose first attempt did complete (its answer was lost) gets
    /// NoSuchUpload: then the object is there, which its size confirms.
    private func completeUpload(_ key: BlobKey, uploadID: String, etags: [String], size: Int) async throws {
        do {
            try await completeUpload(key, uploadID: uploadID, etags: etags)
        } catch let error as BlobStoreError where error.reason.contains("NoSuchUpload") {
            guard (try? await self.size(of: key)) == size else { throw error }
        }
    }

    private func completeUpload(_ key: BlobKey, uploadID: String, etags: [String]) async throws {
        var body = ByteBuffer()
        body.writeString(S3Responses.completeBody(etags: etags))
        var request = S3Request(
            method: "POST", objectKey: objectKey(key), query: [("uploadId", uploadID)], body: body,
            operation: "complete multipart upload", blobKey: key)
        request.headers.append(("content-type", "application/xml"))
        let answer = try await client.sendReadingBody(request)
        // S3 may answer 200 and report the failure in the body.
        if let error = S3Responses.completionError(answer) {
            throw S3Failure(status: 200, code: error.code, message: error.message)
                .blobStoreError(key: key, operation: "complete multipart upload")
        }
    }

    /// Best effort, also in a cancelled task; what fails here `removeIncomplete` sweeps later.
    func abortUpload(key: String, uploadID: String, blobKey: BlobKey?) async {
        let request = S3Request(
            method: "DELETE", objectKey: key, query: [("uploadId", uploadID)], operation: "abort multipart upload",
            blobKey: blobKey)
        do {
            try await client.sendIgnoringCancellation(request)
        } catch {
            client.logger.warning(
                "aborting a multipart upload failed; removeIncomplete will retry",
                metadata: ["key": "\(key)", "uploadId": "\(uploadID)", "error": "\(error)"])
        }
    }
}
