import Archive
import ArchiveSQLite
import Foundation
import Logging

/// An archive on the embedded default (SQLite + files) in a fresh folder, removed afterwards.
func withTemporaryArchive<Result: Sendable>(
    configuration: Archive.Configuration = Archive.Configuration(),
    _ body: (Archive) async throws -> Result
) async throws -> Result {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apus-http-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let logger = Logger(label: "test")
    let index = try await SQLiteIndexStore.open(path: directory.path + "/index.sqlite", logger: logger)
    do {
        let blobs = try await FileBlobStore(root: directory.path + "/files")
        let result = try await body(Archive(index: index, blobs: blobs, configuration: configuration, logger: logger))
        try await index.close()
        return result
    } catch {
        try? await index.close()
        throw error
    }
}
