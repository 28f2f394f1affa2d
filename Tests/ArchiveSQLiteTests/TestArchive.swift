import Archive
import ArchiveSQLite
import Foundation
import Logging

/// An archive on a new SQLite index and filesystem blob store in a temporary directory,
/// closed and removed after the test body.
struct TestArchive {
    let archive: Archive
    let index: SQLiteIndexStore
    let blobs: FileBlobStore
    let directory: String

    static func with<T>(
        configuration: Archive.Configuration = Archive.Configuration(),
        index indexConfiguration: SQLiteIndexStore.Configuration = SQLiteIndexStore.Configuration(),
        _ body: (TestArchive) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("archive-sqlite-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "apus.tests")
        logger.logLevel = .critical
        let index = try await SQLiteIndexStore.open(
            path: directory + "/index.sqlite", configuration: indexConfiguration, logger: logger)
        do {
            let blobs = try await FileBlobStore(root: directory + "/blobs")
            let archive = Archive(index: index, blobs: blobs, configuration: configuration, logger: logger)
            let result = try await body(
                TestArchive(archive: archive, index: index, blobs: blobs, directory: directory))
            try await index.close()
            return result
        } catch {
            try? await index.close()
            throw error
        }
    }

    /// Every blob key in the store.
    func blobKeys() async throws -> [BlobKey] {
        var keys: [BlobKey] = []
        for try await info in blobs.list() { keys.append(info.key) }
        return keys.sorted()
    }
}

extension AsyncSequence {
    /// All elements, for tests.
    func collect() async throws -> [Element] {
        var result: [Element] = []
        for try await element in self { result.append(element) }
        return result
    }
}
