public import Archive
import ArchivePostgres
import ArchiveSQLite
import DICOM
import DICOMNetwork
import Foundation
import HTTPAPI
import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `apus serve`: the archive on its storage adapters, behind the DIMSE SCP, run as a service
/// group that stops gracefully on SIGTERM and SIGINT (in-flight operations finish first).
public struct ApusServer: Sendable {
    public let configuration: ServerConfiguration
    public let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens storage, sweeps orphans left by a crash, serves until a shutdown signal (or the
    /// task is cancelled), then closes the index. `onListening` gets the DICOM port once
    /// associations can come (the bound one when the configured port is 0), `onHTTPListening`
    /// the HTTP port.
    public func run(
        onListening: @escaping @Sendable (Int) -> Void = { _ in },
        onHTTPListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws {
        try await withArchive { archive in
            let swept = try await archive.sweepOrphans()
            logger.info("orphan sweep done", metadata: ["report": "\(swept)"])
            let dicom = DICOMService(server: dicomServer(archive: archive), logger: logger, onListening: onListening)
            let http = HTTPAPI(
                archive: archive,
                configuration: HTTPAPI.Configuration(host: configuration.httpHost, port: configuration.httpPort),
                logger: logger
            ).application(onListening: { port in
                logger.info("HTTP listening", metadata: ["port": "\(port)"])
                onHTTPListening(port)
            })
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: dicom), .init(service: http)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
        }
    }

    /// The archive on the configured storage, for the length of `body`; the index is closed
    /// after, whatever `body` does. `apus serve` and `apus import` both go through here.
    /// PostgreSQL when `databaseURL` is set, SQLite otherwise.
    public func withArchive<Result: Sendable>(_ body: (Archive) async throws -> Result) async throws -> Result {
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        if let url = configuration.databaseURL {
            let postgres = try postgresConfiguration(url: url)
            do {
                return try await PostgresIndexStore.withStore(configuration: postgres, logger: logger) { index in
                    try await withArchive(index: index, body)
                }
            } catch let error as PostgresIndexError {
                throw ConfigurationError(
                    setting: "databaseURL (\(PostgresIndexStore.Configuration.redacted(url)))",
                    problem: "\(error)")
            }
        }
        let index = try await SQLiteIndexStore.open(path: configuration.resolvedDatabasePath, logger: logger)
        let result: Result
        do {
            result = try await withArchive(index: index, body)
        } catch {
            try? await index.close()
            throw error
        }
        try await index.close()
        return result
    }

    private func withArchive<Result: Sendable>(
        index: any IndexStore, _ body: (Archive) async throws -> Result
    ) async throws -> Result {
        let blobs = try await FileBlobStore(root: configuration.dataDirectory + "/files")
        var archiveConfiguration = Archive.Configuration()
        archiveConfiguration.duplicatePolicy = configuration.duplicatePolicy
        return try await body(Archive(index: index, blobs: blobs, configuration: archiveConfiguration, logger: logger))
    }

    private func postgresConfiguration(url: String) throws(ConfigurationError) -> PostgresIndexStore.Configuration {
        do {
            return try PostgresIndexStore.Configuration(url: url)
        } catch {
            throw ConfigurationError(setting: "databaseURL", problem: error.problem)
        }
    }

    func dicomServer(archive: Archive) -> DICOMServer {
        let policy = AssociationPolicy(
            aeTitle: configuration.aeTitle, acceptsAnyCalledAETitle: configuration.acceptsAnyCalledAETitle,
            allowedCallingAETitles: configuration.allowedCallingAETitles.map(Set.init),
            maximumPDULength: UInt32(configuration.maximumPDULength),
            maximumAssociations: configuration.maximumAssociations)
        return DICOMServer(
            configuration: DICOMServer.Configuration(
                host: configuration.dicomHost, port: configuration.dicomPort, policy: policy),
            storage: ArchiveStorageService(
                archive: archive, maximumInstanceSize: configuration.maximumInstanceSize, logger: logger),
            query: ArchiveQueryService(archive: archive),
            retrieve: ArchiveRetrieveService(archive: archive, peers: configuration.peers, logger: logger))
    }
}

/// The DIMSE SCP as a lifecycle service: graceful shutdown cancels it, and cancellation
/// lets each association finish the operation in progress before it closes.
struct DICOMService: Service {
    let server: DICOMServer
    let logger: Logger
    let onListening: @Sendable (Int) -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await server.run { address in
                logger.info(
                    "DICOM SCP listening",
                    metadata: ["address": "\(address)", "aeTitle": "\(server.configuration.policy.aeTitle)"])
                onListening(address.port ?? server.configuration.port)
            }
        }
        logger.info("DICOM SCP stopped")
    }
}
