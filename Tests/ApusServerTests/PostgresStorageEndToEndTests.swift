import DICOM
import DICOMNetwork
import Foundation
import Testing

/// `apus serve --storage postgres` with a PostgreSQL index: Korthweb's configuration with
/// index and files in one database. What DCMTK's storescu stores is in the database's blob
/// rows, nothing goes to the data directory, and C-FIND and C-GET answer from it.
@Suite("apus serve with files in PostgreSQL")
struct PostgresStorageEndToEndTests {
    @Test func storeFindAndGetThroughTheDatabase() async throws {
        let directory = try TemporaryDirectory()
        let files = try RetrieveEndToEndTests.corpus.map(Pydicom.corpusFile)
        try await TestPostgres.withDatabase { url in
            let server = try ServerProcess(
                dataDirectory: directory.path, arguments: ["--storage", "postgres"],
                environment: ["APUS_DATABASE_URL": url])
            defer { server.terminate() }
            let port = try await server.waitForPort()
            try await RetrieveEndToEndTests.storeWithStorescu(files, port: port)
            #expect(try await Server.findStudies(port: port).count == files.count)
            let (association, received, result) = try await RetrieveEndToEndTests.getEveryStudy(of: files, port: port)
            try await association.release()
            #expect(result.subOperations.completed == UInt16(files.count))
            #expect(received.count == files.count)
            #expect(try await TestPostgres.administer(url, "SELECT count(*)::bigint FROM blobs") == files.count)
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/files/blobs"))
        }
    }

    @Test func postgresStorageWithoutAPostgresIndexStopsStartUp() async throws {
        let directory = try TemporaryDirectory()
        let (status, output) = try await ServerProcess.withRunning(
            dataDirectory: directory.path, arguments: ["--storage", "postgres"]
        ) { await $0.ended() }
        #expect(status == 2)
        #expect(output.contains("set APUS_DATABASE_URL too"), "\(output)")
    }
}
