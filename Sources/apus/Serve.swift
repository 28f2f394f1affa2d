import ApusServer
import ArgumentParser
import Foundation
import Logging

/// `apus serve`: the archive. With no options at all: SQLite and files under ./apus-data,
/// DICOM on port 4242 as AE title APUS.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the archive: DICOM SCP (C-ECHO, C-STORE, C-FIND) over SQLite and files or an S3 bucket.",
        discussion: """
            Settings come from defaults, then --config FILE (JSON), then APUS_* environment \
            variables (APUS_AE_TITLE, APUS_DICOM_PORT, APUS_DATA_DIR, APUS_DATABASE_PATH, \
            APUS_DUPLICATE_POLICY, APUS_ALLOWED_CALLING_AE_TITLES, APUS_MAX_ASSOCIATIONS, APUS_STORAGE, \
            APUS_S3_ACCESS_KEY_ID, APUS_S3_SECRET_ACCESS_KEY, …; S3 also reads the standard AWS_* variables), \
            then the options below.
            """)

    @OptionGroup var storage: StorageOptions

    @Option(name: .customLong("dicom-port"), help: "DICOM port (default 4242).")
    var dicomPort: Int?

    @Option(name: .customLong("http-port"), help: "HTTP port: DICOMweb, REST, health (default 8042).")
    var httpPort: Int?

    @Option(name: .customLong("ae-title"), help: "Our AE title (default APUS).")
    var aeTitle: String?

    mutating func run() async throws {
        let settings = try storage.settings(
            command: "serve",
            overrides: [
                ("dicomPort", dicomPort.map(String.init), "--dicom-port"),
                ("httpPort", httpPort.map(String.init), "--http-port"), ("aeTitle", aeTitle, "--ae-title"),
            ])
        bootstrapLogging(level: settings.logLevel)
        try await ApusServer(configuration: settings, logger: Logger(label: "apus")).run()
    }
}
