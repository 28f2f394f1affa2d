import ApusServer
import ArgumentParser
import Foundation
import Logging

/// The options that say where the archive is, shared by the commands that open it.
struct StorageOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A JSON configuration file, Apus's or Orthanc's, or a directory of them (default: APUS_CONFIG).",
            valueName: "path"))
    var config: String?

    @Option(name: .customLong("data"), help: "Data directory (default ./apus-data).")
    var dataDirectory: String?

    @Option(
        name: .customLong("storage"),
        help: ArgumentHelp(
            "Where blobs go: 'files' (under the data directory, the default) or "
                + "s3://bucket/prefix?endpoint=http://host:port&region=…&addressing=path|virtual&sse=AES256.",
            valueName: "location"))
    var blobStorage: String?

    /// Defaults, then the file, then APUS_* variables, then these options; a bad setting
    /// ends the command with exit code 2 and says which and why.
    func settings(command: String, overrides: [(key: String, value: String?, option: String)] = [])
        throws -> ServerConfiguration
    {
        do {
            return try loadSettings(overrides: overrides)
        } catch {
            printError("apus \(command): \(error)")
            throw ExitCode(2)
        }
    }

    /// The configuration file: `--config`, else APUS_CONFIG.
    var configurationPath: String? {
        config ?? ProcessInfo.processInfo.environment["APUS_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func loadSettings(overrides: [(key: String, value: String?, option: String)] = []) throws(ConfigurationError)
        -> ServerConfiguration
    {
        var settings = try ServerConfiguration.load(
            file: configurationPath, environment: ProcessInfo.processInfo.environment)
        for (key, value, option) in overrides + [
            ("dataDirectory", dataDirectory, "--data"), ("storage", blobStorage, "--storage"),
        ] {
            if let value { try settings.apply(key: key, value: value, source: option) }
        }
        return settings
    }
}

/// Log lines to standard error at the configured level (`logLevel`, `APUS_LOG_LEVEL`).
func bootstrapLogging(level: String) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = Logger.Level(rawValue: level) ?? .info
        return handler
    }
}
