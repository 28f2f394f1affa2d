import ApusServer
import ArgumentParser
import Foundation
import Logging

/// `apus serve`: the archive. With no options at all: SQLite and files under ./apus-data,
/// DICOM on port 4242 as AE title APUS.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the archive: DICOM SCP and HTTP over SQLite (or PostgreSQL) and files.",
        discussion: """
            Settings come from defaults, then --config FILE (JSON), then APUS_* environment \
            variables (APUS_AE_TITLE, APUS_DICOM_PORT, APUS_DATA_DIR, APUS_DATABASE_PATH, APUS_DATABASE_URL, \
            APUS_DUPLICATE_POLICY, APUS_ALLOWED_CALLING_AE_TITLES, APUS_MAX_ASSOCIATIONS, …), \
            then the options below.
            """)

    @OptionGroup var storage: StorageOptions

    @Option(name: .customLong("dicom-port"), help: "DICOM port (default 4242).")
    var dicomPort: Int?

    @Option(name: .customLong("http-port"), help: "HTTP port: DICOMweb, REST, health (default 8042).")
    var httpPort: Int?

    @Option(name: .customLong("ae-title"), help: "Our AE title (default APUS).")
    var aeTitle: String?

    @Option(
        name: .customLong("database"),
        help: "PostgreSQL index: postgres://user:password@host:port/database?sslmode=require (default: SQLite).")
    var database: String?

    mutating func run() async throws {
        let settings = try storage.settings(
            command: "serve",
            overrides: [
                ("dicomPort", dicomPort.map(String.init), "--dicom-port"),
                ("httpPort", httpPort.map(String.init), "--http-port"), ("aeTitle", aeTitle, "--ae-title"),
                ("databaseURL", database, "--database"),
            ])
        bootstrapLogging(level: settings.logLevel)
        do {
            try await ApusServer(configuration: settings, logger: Logger(label: "apus")).run()
        } catch let error as ConfigurationError {
            // A database that can't be reached or used: said in words, exit code 2 as other settings.
            printError("apus serve: \(error)")
            throw ExitCode(2)
        }
    }
}
