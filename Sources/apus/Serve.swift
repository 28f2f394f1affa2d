import ApusServer
import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus

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
        // Once per process, here rather than in ApusServer, which tests start many times.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        try await ApusServer(configuration: settings, logger: Logger(label: "apus"), metricsRegistry: registry).run()
    }
}
