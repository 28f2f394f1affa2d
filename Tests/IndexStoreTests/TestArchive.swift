import Archive
import Foundation
import Logging

/// An archive on a new index of the given backend and a filesystem blob store in a
/// temporary directory, closed and removed after the test body.
struct TestArchive {
    let archive: Archive
    let index: any IndexStore
    let blobs: FileBlobStore
    let location: Backend.Location

    static var logger: Logger {
        var logger = Logger(label: "apus.tests")
        logger.logLevel = .critical
        return logger
    }

    static func with<T: Sendable>(
        _ backend: Backend, configuration: Archive.Configuration = Archive.Configuration(), pageSize: Int = 256,
        _ body: (TestArchive) async throws -> T
    ) async throws -> T {
        try await backend.withLocation { location in
            try await backend.withIndex(at: location, pageSize: pageSize, logger: logger) { index in
                let blobs = try await FileBlobStore(root: location.directory + "/blobs")
                let archive = Archive(index: index, blobs: blobs, configuration: configuration, logger: logger)
                return try await body(TestArchive(archive: archive, index: index, blobs: blobs, location: location))
            }
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
