import Archive
import ArchiveS3
import Foundation
import NIOCore

/// The check of a blob store before it is trusted with instances: a small object written,
/// read back and deleted. Start-up does it for an object store, `apus check` for every store.
enum StorageProbe {
    static func check(
        _ store: any BlobStore, configuration: S3Configuration
    ) async throws(ConfigurationError) {
        try await check(
            store,
            location: "the bucket s3://\(configuration.bucket)/\(configuration.prefix) at \(configuration.endpoint)")
    }

    /// `location` names the store in messages ("the bucket s3://…", "files in /var/lib/apus").
    static func check(_ store: any BlobStore, location: String) async throws(ConfigurationError) {
        guard let key = BlobKey("apus-startup-probe/\(UUID().uuidString).tmp") else {
            throw ConfigurationError(setting: "storage", problem: "cannot name the probe object")
        }
        var content = ByteBuffer()
        content.writeString("apus start-up check \(Date().timeIntervalSince1970)\n")
        do {
            _ = try await store.put(key, bytes: content)
            let back = try await store.read(key)
            try await store.delete(key)
            guard back == content else {
                throw ConfigurationError(
                    setting: "storage", problem: "\(location): the probe object read back differs from what was written"
                )
            }
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(
                setting: "storage",
                problem: "\(location) cannot be used (writing, reading and deleting a probe object): \(error)")
        }
    }
}
