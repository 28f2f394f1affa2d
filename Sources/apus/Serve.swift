import ApusServer
import ArgumentParser
import Foundation
import Logging

/// `apus serve`: the archive. With no options at all: SQLite and files under ./apus-data,
/// DICOM on port 4242 as AE title APUS.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the archive: DICOM SCP (C-ECHO, C-STORE, C-FIND) over SQLite and files.",
        discussion: """
            Settings come from defaults, then --config FILE (JSON), then APUS_* environment \
            variables (APUS_AE_TITLE, APUS_DICOM_PORT, APUS_DATA_DIR, APUS_DATABASE_PATH, \
            APUS_DUPLICATE_POLICY, APUS_ALLOWED_CALLING_AE_TITLES, APUS_MAX_ASSOCIATIONS, …), \
            then the options below.
            """)

    @Option(help: "A JSON configuration file.")
    var config: String?

    @Option(name: .customLong("dicom-port"), help: "DICOM port (default 4242).")
    var dicomPort: Int?

    @Option(name: .customLong("ae-title"), help: "Our AE title (default APUS).")
    var aeTitle: String?

    @Option(name: .customLong("data"), help: "Data directory (default ./apus-data).")
    var dataDirectory: String?

    mutating func run() async throws {
        var settings: ServerConfiguration
        do {
            settings = try ServerConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment)
            if let dicomPort { try settings.apply(key: "dicomPort", value: String(dicomPort), source: "--dicom-port") }
            if let aeTitle { try settings.apply(key: "aeTitle", value: aeTitle, source: "--ae-title") }
            if let dataDirectory { try settings.apply(key: "dataDirectory", value: dataDirectory, source: "--data") }
        } catch {
            printError("apus serve: \(error)")
            throw ExitCode(2)
        }
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: level) ?? .info
            return handler
        }
        let logger = Logger(label: "apus")
        try await ApusServer(configuration: settings, logger: logger).run()
    }
}
