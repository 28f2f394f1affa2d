import Archive
import Foundation
import Testing

@Suite("Change feed")
struct ChangeFeedTests {
    @Test(
        "each change carries its resource's path and commit time, also once the resource is deleted",
        arguments: Backend.allCases)
    func paths(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend) { test in
            let before = Date().timeIntervalSince1970 - 5
            #expect(try await test.index.latestChangeSequence() == 0)
            _ = try await test.archive.store(part10: try generated.file(0))
            let instance = generated.instances[0]
            let series = generated.series[instance.series]
            let study = generated.studies[series.study]
            let patient = PatientIdentity(
                patientID: generated.patients[study.patient].id, issuer: generated.patients[study.patient].issuer)
            let expected: [ResourcePath] = [
                .patient(patient), .study(study.uid, of: patient),
                .series(series.uid, study: study.uid, patient: patient),
                .instance(instance.uid, series: series.uid, study: study.uid, patient: patient),
            ]
            let created = try await test.index.changes(after: 0, limit: 100)
            #expect(created.map(\.kind) == [.created, .created, .created, .created])
            #expect(try await test.index.latestChangeSequence() == created.last?.sequence)
            #expect(created.map(\.path) == expected.map(Optional.some))
            #expect(created.map(\.resource) == expected.map(\.selector))
            #expect(created.allSatisfy { $0.time > before && $0.time < Date().timeIntervalSince1970 + 5 })
            #expect(
                created.last?.path?.id
                    == .instance(
                        patient: patient, studyInstanceUID: study.uid, seriesInstanceUID: series.uid,
                        sopInstanceUID: instance.uid))

            _ = try await test.archive.delete(.study(study.uid))
            let last = created.last?.sequence ?? 0
            let deleted = try await test.index.changes(after: last, limit: 100)
            #expect(deleted.map(\.kind) == [.deleted, .deleted, .deleted, .deleted])
            #expect(deleted.compactMap(\.path).map(\.id) == expected.reversed().map(\.id))
        }
    }

    @Test(
        "upgrading the index gives the changes recorded before it the paths of resources still there",
        arguments: Backend.allCases)
    func upgrade(backend: Backend) async throws {
        let generated = GeneratedStudies()
        let logger = TestArchive.logger
        try await backend.withLocation { location in
            let blobs = try await FileBlobStore(root: location.directory + "/blobs")
            let expected = try await backend.withIndex(at: location, logger: logger) { index in
                let archive = Archive(index: index, blobs: blobs, logger: logger)
                for file in 0..<3 { _ = try await archive.store(part10: try generated.file(file)) }
                _ = try await archive.delete(.instance(generated.instances[2].uid))
                return try await index.changes(after: 0, limit: 100)
            }
            try await Self.forgetPaths(at: location)
            try await backend.withIndex(at: location, logger: logger) { index in
                let upgraded = try await index.changes(after: 0, limit: 100)
                #expect(upgraded.map(\.sequence) == expected.map(\.sequence))
                // A deleted resource's path went with its rows, unless it is a patient's (its own key).
                let deleted = Set(expected.filter { $0.kind == .deleted }.map(\.resource))
                #expect(!deleted.isEmpty)
                for (old, new) in zip(expected, upgraded) {
                    if deleted.contains(old.resource), old.resource.level != .patient {
                        #expect(new.path == nil, "change \(old.sequence)")
                    } else {
                        #expect(new.path == old.path, "change \(old.sequence)")
                    }
                }
            }
        }
    }

    /// Takes the index back to the schema before change paths, keeping its rows.
    private static func forgetPaths(at location: Backend.Location) async throws {
        let drop = ["patient_id", "patient_issuer", "study_uid", "series_uid"].map {
            "ALTER TABLE changes DROP COLUMN \($0)"
        }
        switch location.backend {
        case .sqlite:
            let script = (drop + ["PRAGMA user_version = 3"]).joined(separator: "; ") + ";"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["sqlite3", location.directory + "/index.sqlite", script]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "sqlite3 (Debian package sqlite3) must run")
        case .postgres:
            guard let configuration = location.postgres else { throw Failure("no database") }
            for statement in drop + ["DELETE FROM apus_schema_migrations WHERE version >= 5"] {
                try await TestDatabase.administer(configuration, statement)
            }
        }
    }
}
