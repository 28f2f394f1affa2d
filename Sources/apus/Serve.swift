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
        abstract: "Run the archive: DICOM SCP and HTTP over SQLite or PostgreSQL, and files or an S3 bucket.",
        discussion: """
            Settings come from defaults, then --config FILE (JSON), then APUS_* environment \
            variables (APUS_AE_TITLE, APUS_DICOM_PORT, APUS_DATA_DIR, APUS_DATABASE_PATH, APUS_DATABASE_URL, \
            APUS_DUPLICATE_POLICY, APUS_ALLOWED_CALLING_AE_TITLES, APUS_MAX_ASSOCIATIONS, APUS_STORAGE, \
            APUS_S3_ACCESS_KEY_ID, APUS_S3_SECRET_ACCESS_KEY, …; S3 also reads the standard AWS_* variables), \
            then the options below.

            DICOM over TLS (PS3.15 Annex B) listens on its own port when one is given \
            (APUS_DICOM_TLS_PORT, --dicom-tls-port; 11112 by convention), with the certificate and key \
            of APUS_TLS_CERTIFICATE_FILE and APUS_TLS_KEY_FILE, re-read when they change. With a CA \
            file (APUS_TLS_CA_FILE) peers must present a certificate it signed, unless \
            APUS_DICOM_TLS_VERIFY_PEER is false (anonymous TLS clients, such as DCMTK's +tla).
            """)

    @OptionGroup var storage: StorageOptions

    @Option(name: .customLong("dicom-port"), help: "DICOM port (default 4242).")
    var dicomPort: Int?

    @Option(name: .customLong("http-port"), help: "HTTP port: DICOMweb, REST, health (default 8042).")
    var httpPort: Int?

    @Option(name: .customLong("ae-title"), help: "Our AE title (default APUS).")
    var aeTitle: String?

    @Option(name: .customLong("dicom-tls-port"), help: "DICOM over TLS port (none by default; 11112 by convention).")
    var dicomTLSPort: Int?

    @Option(
        name: .customLong("tls-certificate"),
        help: ArgumentHelp("PEM certificate chain of the TLS listener.", valueName: "file"))
    var tlsCertificateFile: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of the TLS listener.", valueName: "file"))
    var tlsKeyFile: String?

    @Option(
        name: .customLong("tls-ca"),
        help: ArgumentHelp("PEM CA bundle that DICOM peers' certificates must chain to.", valueName: "file"))
    var tlsCAFile: String?

    @Option(
        name: .customLong("dicom-tls-verify-peer"),
        help: ArgumentHelp(
            "Require a client certificate signed by --tls-ca (default true when a CA file is given).",
            valueName: "true|false"))
    var dicomTLSVerifyPeer: String?
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
                ("dicomTLSPort", dicomTLSPort.map(String.init), "--dicom-tls-port"),
                ("tlsCertificateFile", tlsCertificateFile, "--tls-certificate"),
                ("tlsKeyFile", tlsKeyFile, "--tls-key"),
                ("tlsCAFile", tlsCAFile, "--tls-ca"),
                ("dicomTLSVerifyPeer", dicomTLSVerifyPeer, "--dicom-tls-verify-peer"),
                ("databaseURL", database, "--database"),
            ])
        bootstrapLogging(level: settings.logLevel)
        // Once per process, here rather than in ApusServer, which tests start many times.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        do {
            try await ApusServer(configuration: settings, logger: Logger(label: "apus"), metricsRegistry: registry).run()
        } catch let error as ConfigurationError {
            printError("apus serve: \(error)")
            throw ExitStatus.usage.exitCode
        }
    }
}
