import Archive
import ArchiveSQLite
import DICOM
import Foundation
import Logging
import SQLiteNIO
import Testing

@Suite("SQLite schema")
struct SchemaTests {
    static func withDirectory(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(directory)
    }

    /// A plain connection to look at the file from outside the store.
    static func inspect<T>(_ path: String, _ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    @Test("a new index is in WAL mode, at the latest version, with a column (and key column) per catalog attribute")
    func freshSchema() async throws {
        try await Self.withDirectory { directory in
            let path = directory + "/index.sqlite"
            try await SQLiteIndexStore.open(path: path).close()
            try await Self.inspect(path) { connection in
                let mode = try await connection.query("PRAGMA journal_mode", []).first?.column("journal_mode")?.string
                #expect(mode == "wal")
                let version = try await connection.query("PRAGMA user_version", []).first?.column("user_version")?
                    .integer
                #expect(version == 3)
                let tables = ["patient": "patients", "study": "studies", "series": "series", "image": "instances"]
                for level in QueryLevel.allCases {
                    let table = tables[level.rawValue.lowercased()] ?? ""
                    let columns = Set(
                        try await connection.query("SELECT name FROM pragma_table_info(?)", [.text(table)])
                            .compactMap { $0.column("name")?.string })
                    for attribute in AttributeCatalog.attributes(at: level) {
                        #expect(columns.contains(attribute.keyword), "\(table).\(attribute.keyword)")
                        if attribute.kind.hasMatchKey {
                            #expect(columns.contains(attribute.keyword + "_key"), "\(table).\(attribute.keyword)_key")
                        }
                    }
                }
                // The study date range and patient name searches use an index, not a scan.
                let plan = try await connection.query(
                    "EXPLAIN QUERY PLAN SELECT pk FROM studies WHERE StudyDate_key >= ? AND StudyDate_key <= ?",
                    [.text("20200101"), .text("20201231")]
                ).compactMap { $0.column("detail")?.string }
                #expect(plan.contains { $0.contains("INDEX studies_date") }, "\(plan)")
            }
        }
    }

    @Test("an index from a newer build is refused, not modified")
    func newerSchemaRefused() async throws {
        try await Self.withDirectory { directory in
            let path = directory + "/index.sqlite"
            try await Self.inspect(path) { connection in _ = try await connection.query("PRAGMA user_version = 99", [])
            }
            await #expect(throws: IndexStoreError.unsupportedSchemaVersion(99)) {
                try await SQLiteIndexStore.open(path: path).close()
            }
            let version = try await Self.inspect(path) { connection in
                try await connection.query("PRAGMA user_version", []).first?.column("user_version")?.integer
            }
            #expect(version == 99)
        }
    }
}
