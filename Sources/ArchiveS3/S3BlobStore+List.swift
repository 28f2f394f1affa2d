public import Archive
import Foundation
import Logging
import Synchronization

extension S3BlobStore {
    /// ListObjectsV2 under the prefix, a page (up to 1,000 objects) fetched as the previous
    /// one is consumed. Objects whose names are not blob keys (put there by something else)
    /// are passed over.
    public func list() -> AsyncThrowingStream<BlobInfo, any Error> {
        let pager = S3ObjectPager(store: self)
        return AsyncThrowingStream(unfolding: { try await pager.next() })
    }

    func objectPage(continuationToken: String?) async throws -> S3Responses.ObjectPage {
        var query = [("list-type", "2"), ("prefix", configuration.prefix)]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        let body = try await client.sendReadingBody(
            S3Request(method: "GET", objectKey: nil, query: query, operation: "list"))
        guard let page = S3Responses.objectPage(body) else {
            throw BlobStoreError(code: .io, key: nil, operation: "list", reason: "S3's listing is not readable XML")
        }
        return page
    }

    func blobKey(ofObject key: String) -> BlobKey? {
        guard key.hasPrefix(configuration.prefix) else { return nil }
        return BlobKey(String(key.dropFirst(configuration.prefix.count)))
    }

    /// Aborts the multipart uploads under the prefix started more than `age` seconds ago
    /// (by a process that crashed or lost its connection mid-put).
    public func removeIncomplete(olderThan age: Double) async throws -> Int {
        let cutoff = Date().timeIntervalSince1970 - age
        var markers: (keyMarker: String, uploadIDMarker: String)?
        var removed = 0
        repeat {
            var query = [("uploads", ""), ("prefix", configuration.prefix)]
            if let markers {
                query.append(("key-marker", markers.keyMarker))
                query.append(("upload-id-marker", markers.uploadIDMarker))
            }
            let body: [UInt8]
            do {
                body = try await client.sendReadingBody(
                    S3Request(method: "GET", objectKey: nil, query: query, operation: "list multipart uploads"))
            } catch let error as BlobStoreError
                where error.code == .unsupported || (error.code == .notFound && error.reason.contains("NoSuchUpload"))
            {
                // Some S3-compatible servers do not list uploads (rclone's answers NoSuchUpload):
                // the sweep is housekeeping, and an archive on such a server still runs.
                client.logger.warning(
                    "this S3 server does not list multipart uploads: unfinished ones are not swept",
                    metadata: ["endpoint": "\(configuration.endpoint)", "answer": "\(error.reason)"])
                return removed
            }
            guard let page = S3Responses.uploadPage(body) else {
                throw BlobStoreError(
                    code: .io, key: nil, operation: "list multipart uploads",
                    reason: "S3's listing of uploads is not readable XML")
            }
            for upload in Self.abandoned(page.uploads, prefix: configuration.prefix, initiatedBefore: cutoff) {
                try await client.sendIgnoringCancellation(
                    S3Request(
                        method: "DELETE", objectKey: upload.key, query: [("uploadId", upload.uploadID)],
                        operation: "abort multipart upload", blobKey: blobKey(ofObject: upload.key)))
                removed += 1
            }
            markers = page.next
        } while markers != nil
        return removed
    }
}

extension S3BlobStore {
    /// The uploads to abort: under the prefix (also when a server ignores the listing's
    /// prefix parameter) and started before the cutoff.
    static func abandoned(
        _ uploads: [S3Responses.UploadPage.Upload], prefix: String, initiatedBefore cutoff: Double
    ) -> [S3Responses.UploadPage.Upload] {
        uploads.filter { $0.key.hasPrefix(prefix) && $0.initiated <= cutoff }
    }
}

/// The state of one listing between pages.
final class S3ObjectPager: Sendable {
    private struct State {
        var buffered: [BlobInfo] = []
        var token: String?
        var started = false
    }
    private let store: S3BlobStore
    private let state = Mutex(State())

    init(store: S3BlobStore) { self.store = store }

    func next() async throws -> BlobInfo? {
        while true {
            let (info, fetch, token) = state.withLock { state -> (BlobInfo?, Bool, String?) in
                if !state.buffered.isEmpty { return (state.buffered.removeFirst(), false, nil) }
                return (nil, !state.started || state.token != nil, state.token)
            }
            if let info { return info }
            guard fetch else { return nil }
            let page = try await store.objectPage(continuationToken: token)
            let infos = page.objects.compactMap { object in
                store.blobKey(ofObject: object.key).map {
                    BlobInfo(key: $0, size: object.size, modified: object.modified)
                }
            }
            state.withLock {
                $0.started = true
                $0.token = page.nextContinuationToken
                $0.buffered = infos
            }
        }
    }
}
