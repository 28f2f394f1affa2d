import Archive
import ArchivePostgres
import DICOM
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Testing

/// What only the PostgreSQL index has: migrations shared by replicas, TLS, retries, the
/// query plans its indexes are for, and files in the database.
@Suite("PostgreSQL index")
struct PostgresTests {
    static func withStore<T: Sendable>(
        _ configuration: PostgresIndexStore.Configuration, _ body: (PostgresIndexStore) async throws -> T
    ) async throws -> T {
        try await PostgresIndexStore.withStore(configuration: configuration, logger: TestArchive.logger, body)
    }

    @Test("replicas starting at once apply each migration exactly once")
    func concurrentMigrations() async throws {
        try await TestDatabase.with { configuration in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await Self.withStore(configuration) { _ in } }
                }
                try await group.waitForAll()
            }
            let versions = try await TestDatabase.administer(
                configuration, "SELECT version::text FROM apus_schema_migrations ORDER BY version")
            #expect(versions == ["1", "2", "3", "4", "5", "6"])
        }
    }

    @Test("a newer release's expand migration leaves this build running; a contract migration stops it")
    func schemaCompatibility() async throws {
        try await TestDatabase.with { configuration in
            try await Self.withStore(configuration) { _ in }
            try await TestDatabase.administer(
                configuration, "INSERT INTO apus_schema_migrations (version, compatible_from) VALUES (98, 1)")
            let instances = try await Self.withStore(configuration) { index in
                try await index.statistics().instances
            }
            #expect(instances == 0)
            try await TestDatabase.administer(
                configuration, "INSERT INTO apus_schema_migrations (version, compatible_from) VALUES (99, 99)")
            await #expect(throws: IndexStoreError.unsupportedSchemaVersion(99)) {
                try await Self.withStore(configuration) { _ in }
            }
        }
    }

    @Test("sslmode=require connects over TLS")
    func tls() async throws {
        try await TestDatabase.with { plain in
            guard let host = plain.client.host, let port = plain.client.port, let database = plain.database else {
                throw Failure("test database without host, port or name")
            }
            let url = "postgres://\(plain.client.username)@\(host):\(port)/\(database)?sslmode=require"
            let configuration = try PostgresIndexStore.Configuration(url: url)
            let probe = try #require(configuration.probe)
            let connection = try await PostgresConnection.connect(
                configuration: probe, id: 1, logger: TestArchive.logger)
            let ssl = try await connection.query(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: TestArchive.logger
            ).collect().first?.decode(Bool.self)
            try await connection.close()
            #expect(ssl == true)
            try await Self.withStore(configuration) { index in
                let stored = try await Archive(index: index, blobs: PostgresBlobStore(index: index))
                    .store(part10: try GeneratedStudies().file(0))
                guard case .stored = stored else { throw Failure("\(stored)") }
            }
        }
    }

    @Test("a connection lost between two stores (a database restart) is retried, not reported")
    func lostConnection() async throws {
        try await TestDatabase.with { configuration in
            try await Self.withStore(configuration) { index in
                let generated = GeneratedStudies()
                let archive = Archive(index: index, blobs: PostgresBlobStore(index: index), logger: TestArchive.logger)
                _ = try await archive.store(part10: try generated.file(0))
                let killed = try await TestDatabase.administer(
                    configuration,
                    """
                    SELECT count(pg_terminate_backend(pid))::text FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid()
                    """)
                #expect(killed != ["0"])
                // Several at once, so that every pooled connection the kill left dead is met:
                // the blob store's statements as well as the index's transactions.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for number in 1...4 {
                        let file = try generated.file(number)
                        group.addTask { _ = try await archive.store(part10: file) }
                    }
                    try await group.waitForAll()
                }
                #expect(try await index.statistics().instances == 5)
            }
        }
    }

    @Test("stores into one series side by side, with deletes of instances, the series and the study among them")
    func concurrentCounts() async throws {
        try await TestDatabase.with { configuration in
            try await Self.withStore(configuration) { index in
                let archive = Archive(index: index, blobs: PostgresBlobStore(index: index), logger: TestArchive.logger)
                let template = GeneratedStudies().dataSet(0)
                let files = try (1...40).map { number in
                    var dataSet = template
                    dataSet.set(.sopInstanceUID, string: "2.25.\(900_000 + number)")
                    dataSet.set(.instanceNumber, string: String(number))
                    return try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
                }
                for file in files.prefix(10) { _ = try await archive.store(part10: file) }
                // Registrations defer their counts to the commit; deletes update them at once.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for file in files.dropFirst(10) { group.addTask { _ = try await archive.store(part10: file) } }
                    for number in 1...5 {
                        group.addTask { _ = try await archive.delete(.instance("2.25.\(900_000 + number)")) }
                    }
                    try await group.waitForAll()
                }
                #expect(try await index.statistics().instances == 35)
                // The series and its study deleted while stores go into them: nothing waits
                // for ever (the deletes skip rows a registration is adding to), and no count
                // or empty parent is left wrong, whichever commits first.
                let more = try (41...60).map { number in
                    var dataSet = template
                    dataSet.set(.sopInstanceUID, string: "2.25.\(900_000 + number)")
                    return try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
                }
                let seriesUID = try #require(template.string(.seriesInstanceUID))
                let studyUID = try #require(template.string(.studyInstanceUID))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for file in more { group.addTask { _ = try await archive.store(part10: file) } }
                    group.addTask { _ = try await archive.delete(.series(seriesUID)) }
                    group.addTask { _ = try await archive.delete(.study(studyUID)) }
                    try await group.waitForAll()
                }
                let empty = try await TestDatabase.administer(
                    configuration,
                    """
                    SELECT ((SELECT count(*) FROM series se WHERE NOT EXISTS
                            (SELECT 1 FROM instances i WHERE i.series_pk = se.pk))
                        + (SELECT count(*) FROM studies st WHERE NOT EXISTS
                            (SELECT 1 FROM series se WHERE se.study_pk = st.pk))
                        + (SELECT count(*) FROM patients p WHERE NOT EXISTS
                            (SELECT 1 FROM studies st WHERE st.patient_pk = p.pk)))::text
                    """)
                #expect(empty == ["0"])
                let wrong = try await TestDatabase.administer(
                    configuration,
                    """
                    SELECT ((SELECT count(*) FROM series se
                            WHERE instance_count <> (SELECT count(*) FROM instances i WHERE i.series_pk = se.pk))
                        + (SELECT count(*) FROM studies st WHERE instance_count <> (SELECT count(*) FROM instances i
                            JOIN series se ON se.pk = i.series_pk WHERE se.study_pk = st.pk))
                        + (SELECT count(*) FROM patients p WHERE instance_count <> (SELECT count(*) FROM instances i
                            JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk
                            WHERE st.patient_pk = p.pk)))::text
                    """)
                #expect(wrong == ["0"])
                let deferrable = try await TestDatabase.administer(
                    configuration,
                    "SELECT count(*)::text FROM pg_trigger WHERE tgname LIKE '%_counted' AND tgdeferrable")
                #expect(deferrable == ["3"])
            }
        }
    }

    @Test("name, wild card and date searches use their indexes, not a scan")
    func queryPlans() async throws {
        try await TestDatabase.with { configuration in
            try await Self.withStore(configuration) { _ in }
            func plan(_ query: String) async throws -> String {
                // Empty tables: without this the planner rightly prefers a scan.
                try await TestDatabase.administer(configuration, "SET enable_seqscan = off", "EXPLAIN " + query)
                    .joined(separator: "\n")
            }
            #expect(
                try await plan("SELECT pk FROM patients WHERE patientname_key LIKE 'DOE%'").contains(
                    "patients_name_key"))
            #expect(
                try await plan("SELECT pk FROM patients WHERE patientname_key LIKE '%OE%'").contains(
                    "patients_name_trgm"))
            #expect(try await plan("SELECT pk FROM patients WHERE patientid = 'X'").contains("patients_patientid"))
            #expect(
                try await plan("SELECT pk FROM studies WHERE studydate_key BETWEEN '20200101' AND '20201231'")
                    .contains("studies_date"))
            #expect(try await plan("SELECT pk FROM studies WHERE accessionnumber = 'A1'").contains("studies_accession"))
        }
    }

    @Test("files in the database: chunked puts, whole and ranged reads, replace, list, delete, sweep")
    func blobStore() async throws {
        try await TestDatabase.with { configuration in
            try await Self.withStore(configuration) { index in
                let blobs = PostgresBlobStore(index: index, chunkSize: 4096)
                let key = try #require(BlobKey("1.2.3/4.5.6.0000000000000001.dcm"))
                var bytes = ByteBuffer()
                for position in 0..<50_000 { bytes.writeInteger(UInt8(truncatingIfNeeded: position &* 31)) }
                // Uneven chunks on the way in, fixed-size rows in the database.
                let pieces = stride(from: 0, to: 50_000, by: 7_000).map {
                    bytes.getSlice(at: $0, length: min(7_000, 50_000 - $0)) ?? ByteBuffer()
                }
                #expect(try await blobs.put(key, chunks: ByteBufferChunks(pieces)) == 50_000)
                #expect(try await blobs.read(key) == bytes)
                #expect(try await blobs.size(of: key) == 50_000)
                var ranged = ByteBuffer()
                for try await chunk in try await blobs.get(key, range: 4_000..<13_000) {
                    ranged.writeImmutableBuffer(chunk)
                }
                #expect(ranged == bytes.getSlice(at: 4_000, length: 9_000))
                let chunks = try await TestDatabase.administer(configuration, "SELECT count(*)::text FROM blob_chunks")
                #expect(chunks == ["13"])

                _ = try await blobs.put(key, bytes: ByteBuffer(string: "replaced"))
                #expect(try await blobs.read(key) == ByteBuffer(string: "replaced"))
                let listed = try await blobs.list().collect()
                #expect(listed.map(\.key) == [key] && listed.first?.size == 8)
                let left = try await TestDatabase.administer(configuration, "SELECT count(*)::text FROM blob_chunks")
                #expect(left == ["1"])

                try await TestDatabase.administer(
                    configuration, "INSERT INTO blob_uploads (started) VALUES (now() - interval '2 hours')")
                #expect(try await blobs.removeIncomplete(olderThan: 3600) == 1)
                try await blobs.delete(key)
                await #expect(throws: BlobStoreError.self) { _ = try await blobs.read(key) }
                try await blobs.delete(key)
            }
        }
    }
}

extension PostgresTests {
    @Test("rows without a REST id (stored before schema 3, or by an older replica) get one, at start or on a miss")
    func resourceIDsFilled() async throws {
        let generated = GeneratedStudies()
        try await TestDatabase.with { configuration in
            let before = Date().timeIntervalSince1970
            try await Self.withStore(configuration) { index in
                let archive = Archive(index: index, blobs: PostgresBlobStore(index: index), logger: TestArchive.logger)
                for instance in generated.instances.indices {
                    _ = try await archive.store(part10: try generated.file(instance))
                }
                // An older replica, which knows no ids, stored these meanwhile.
                try await TestDatabase.administer(
                    configuration, "UPDATE instances SET resource_id = NULL", "UPDATE studies SET resource_id = NULL")
                try await ResourceLookupTests.checkLookups(index, generated, before: before)
            }
            try await TestDatabase.administer(
                configuration, "UPDATE patients SET resource_id = NULL", "UPDATE series SET resource_id = NULL")
            try await Self.withStore(configuration) { index in
                let missing = try await TestDatabase.administer(
                    configuration,
                    """
                    SELECT ((SELECT count(*) FROM patients WHERE resource_id IS NULL)
                        + (SELECT count(*) FROM series WHERE resource_id IS NULL))::text
                    """)
                #expect(missing == ["0"])
                try await ResourceLookupTests.checkLookups(index, generated, before: before)
            }
        }
    }
}
