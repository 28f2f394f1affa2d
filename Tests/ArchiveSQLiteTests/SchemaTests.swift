import Archive
import ArchiveSQLite
import DICOM
import Foundation
import Logging
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
    static func inspect<T>(_ path: String, _ body: (SQLiteDatabase) async throws -> T) async throws -> T {
        let connection = try await SQLiteDatabase.open(path: path)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    @Test("a new index is in WAL mode, at the latest version, with a column (and key column) per catalog attribute")
    func freshSchema() async throws {
        try await Self.withDirectory { directory in
            let path = directory + "/index.sqlite"
            try await SQLiteIndexStore.open(path: path).close()
            try await Self.inspect(path) { connection in
                let mode = try await connection.rows("PRAGMA journal_mode", []).first?.column("journal_mode")?.string
                #expect(mode == "wal")
                let version = try await connection.rows("PRAGMA user_version", []).first?.column("user_version")?
                    .integer
                #expect(version == 4)
                let tables = ["patient": "patients", "study": "studies", "series": "series", "image": "instances"]
                for level in QueryLevel.allCases {
                    let table = tables[level.rawValue.lowercased()] ?? ""
                    let columns = Set(
                        try await connection.rows("SELECT name FROM pragma_table_info(?)", [.text(table)])
                            .compactMap { $0.column("name")?.string })
                    for attribute in AttributeCatalog.attributes(at: level) {
                        #expect(columns.contains(attribute.keyword), "\(table).\(attribute.keyword)")
                        if attribute.kind.hasMatchKey {
                            #expect(columns.contains(attribute.keyword + "_key"), "\(table).\(attribute.keyword)_key")
                        }
                    }
                }
                // The study date range and patient name searches use an index, not a scan.
                let plan = try await connection.rows(
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
            try await Self.inspect(path) { connection in _ = try await connection.rows("PRAGMA user_version = 99", [])
            }
            await #expect(throws: IndexStoreError.unsupportedSchemaVersion(99)) {
                try await SQLiteIndexStore.open(path: path).close()
            }
            let version = try await Self.inspect(path) { connection in
                try await connection.rows("PRAGMA user_version", []).first?.column("user_version")?.integer
            }
            #expect(version == 99)
        }
    }
}

extension SchemaTests {
    @Test("upgrading a version 1 index computes the REST id of every row stored before")
    func resourceIDsFilledOnUpgrade() async throws {
        try await Self.withDirectory { directory in
            let path = directory + "/index.sqlite"
            let patient = PatientIdentity(patientID: "P*1", issuer: "")
            let study = "1.2.826.0.1.3680043.10.77.1"
            var uids: [(series: String, sop: String)] = []
            let index = try await SQLiteIndexStore.open(path: path)
            do {
                let archive = Archive(index: index, blobs: try await FileBlobStore(root: directory + "/files"))
                for number in 1...1_203 {
                    let series = study + ".\(number % 3 + 1)"
                    let sop = series + ".\(number)"
                    var dataSet = DataSet()
                    dataSet.set(.sopClassUID, vr: .UI, string: "1.2.840.10008.5.1.4.1.1.7")
                    dataSet.set(.sopInstanceUID, vr: .UI, string: sop)
                    dataSet.set(.patientID, vr: .LO, string: patient.patientID)
                    dataSet.set(.studyInstanceUID, vr: .UI, string: study)
                    dataSet.set(.seriesInstanceUID, vr: .UI, string: series)
                    let bytes = try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
                    guard case .stored = try await archive.store(part10: bytes) else { throw SchemaTestFailure() }
                    uids.append((series, sop))
                }
                try await index.close()
            } catch {
                try? await index.close()
                throw error
            }
            // Back to version 1: no id columns.
            try await Self.inspect(path) { connection in
                for table in ["patients", "studies", "series", "instances"] {
                    _ = try await connection.rows("DROP INDEX \(table)_resource_id", [])
                    _ = try await connection.rows("ALTER TABLE \(table) DROP COLUMN resource_id", [])
                    // And what versions 3 (extra attributes) and 4 (change paths) added.
                    _ = try await connection.rows("DROP TRIGGER \(table)_extra_values_removed", [])
                }
                _ = try await connection.rows("DROP TABLE extra_values", [])
                _ = try await connection.rows("DROP TABLE extra_attributes", [])
                for column in ["patient_id", "patient_issuer", "study_uid", "series_uid"] {
                    _ = try await connection.rows("ALTER TABLE changes DROP COLUMN \(column)", [])
                }
                _ = try await connection.rows("PRAGMA user_version = 1", [])
            }
            let reopened = try await SQLiteIndexStore.open(path: path)
            do {
                #expect(try await reopened.resource(.patient(patient), at: .patient)?.patient == patient)
                let studyID = ResourceID.study(patient: patient, studyInstanceUID: study)
                #expect(try await reopened.resource(studyID, at: .study)?.studyInstanceUID == study)
                for (series, sop) in uids {
                    let id = ResourceID.instance(
                        patient: patient, studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: sop)
                    let found = try await reopened.resource(id, at: .image)
                    #expect(found?.sopInstanceUID == sop && found?.seriesInstanceUID == series)
                }
                try await reopened.close()
            } catch {
                try? await reopened.close()
                throw error
            }
            let version = try await Self.inspect(path) { connection in
                try await connection.rows("PRAGMA user_version", []).first?.column("user_version")?.integer
            }
            #expect(version == 4)
        }
    }
}

struct SchemaTestFailure: Error {}
