import ApusServer
import ArgumentParser
import Foundation
import Logging

/// `apus check`: the configuration `apus serve` would start with, verified part by part, in
/// plain words; exit code 0 when it would start, 1 when something is wrong.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the configuration apus serve would start with: settings, database, blob store, TLS, peers.",
        discussion: """
            Reads the settings as apus serve does (defaults, --config or APUS_CONFIG, APUS_* variables, \
            options), then tries each part without changing anything that matters: the index is \
            read (not migrated), a probe object is written to the blob store, read back and deleted, \
            the TLS certificate is matched with its key and dated, peers' host names are resolved. \
            Exit code 0 when every part is usable, 1 otherwise (a warning alone, such as a \
            certificate expiring within 30 days, is still 0).
            """)

    @OptionGroup var storage: StorageOptions

    @Option(
        name: .customLong("database"),
        help: "PostgreSQL index: postgres://user:password@host:port/database?sslmode=require (default: SQLite).")
    var database: String?

    mutating func run() async throws {
        let settings: ServerConfiguration
        do {
            settings = try storage.loadSettings(overrides: [("databaseURL", database, "--database")])
        } catch {
            print(ConfigurationCheck.Finding(verdict: .failed, subject: "settings", detail: "\(error)"))
            print("1 problem(s): apus serve would not start.")
            throw ExitCode(1)
        }
        // The parts report; their own log lines below warnings would only repeat them.
        bootstrapLogging(level: "error")
        var findings = [
            ConfigurationCheck.Finding(
                verdict: .ok, subject: "settings",
                detail: "read from " + (storage.configurationPath ?? "defaults and the environment"))
        ]
        if !settings.ignoredSettings.isEmpty {
            findings.append(
                .init(
                    verdict: .warning, subject: "settings",
                    detail: "not supported, ignored: " + settings.ignoredSettings.joined(separator: ", ")))
        }
        findings += settings.startupWarnings.map {
            ConfigurationCheck.Finding(verdict: .warning, subject: "settings", detail: $0)
        }
        findings += await ConfigurationCheck(
            server: ApusServer(configuration: settings, logger: Logger(label: "apus.check"))
        )
        .run()
        for finding in findings { print(finding) }
        let failed = findings.filter { $0.verdict == .failed }.count
        print(
            failed == 0
                ? "apus serve can start with this configuration."
                : "\(failed) problem(s): apus serve would not work as configured.")
        if failed > 0 { throw ExitCode(1) }
    }
}
