public import Archive
import ArchivePostgres
import ArchiveS3
import ArchiveSQLite
import AsyncHTTPClient
import DICOM
import DICOMNetwork
import Foundation
import HTTPAPI
import Hummingbird
public import Logging
import NIOCore
public import Prometheus
import ServiceLifecycle
import UnixSignals

/// `apus serve`: the archive on its storage adapters, behind the DIMSE SCP, run as a service
/// group that stops gracefully on SIGTERM and SIGINT (in-flight operations finish first).
public struct ApusServer: Sendable {
    public let configuration: ServerConfiguration
    public let logger: Logger
    /// Served at `/metrics`: the registry the process bootstrapped swift-metrics with.
    public let metricsRegistry: PrometheusCollectorRegistry?

    public init(
        configuration: ServerConfiguration, logger: Logger, metricsRegistry: PrometheusCollectorRegistry? = nil
    ) {
        self.configuration = configuration
        self.logger = logger
        self.metricsRegistry = metricsRegistry
    }

    /// Opens storage, sweeps orphans left by a crash, serves until a shutdown signal (or the
    /// task is cancelled), then closes the index. `onListening` gets the DICOM port once
    /// associations can come (the bound one when the configured port is 0), `onTLSListening`
    /// the DICOM TLS port, `onHTTPListening` the HTTP port. Certificate files that can't be
    /// used stop it before anything is opened (`ConfigurationError`).
    public func run(
        onListening: @escaping @Sendable (Int) -> Void = { _ in },
        onTLSListening: @escaping @Sendable (Int) -> Void = { _ in },
        onHTTPListening: @escaping @Sendable (Int) -> Void = { _ in },
        onHTTPSListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws {
        logConfigurationNotes()
        try await configuration.checkTLSFiles()
        // The process-wide client: only OIDC discovery uses it, and it needs no shutdown.
        let (authentication, keyRefresher) = try await authentication(httpClient: .shared)
        try await withArchive { archive in
            let swept = try await archive.sweepOrphans()
            logger.info("orphan sweep done", metadata: ["report": "\(swept)"])
            let dicom = DICOMService(
                server: try dicomServer(archive: archive), logger: logger, onListening: onListening,
                onTLSListening: onTLSListening)
            var http = HTTPAPI.Configuration(
                host: configuration.resolvedHTTPHost, port: configuration.httpPort,
                maximumInstanceSize: configuration.maximumInstanceSize,
                system: HTTPAPI.SystemDescription(
                    name: configuration.name, aeTitle: configuration.aeTitle, dicomPort: configuration.dicomPort,
                    databaseBackend: configuration.databaseURL == nil ? "SQLite" : "PostgreSQL",
                    storageBackend: configuration.storageBackendName))
            http.cors = CORSPolicy(allowedOrigins: configuration.corsOrigins)
            http.limits = RequestLimits(
                maximumBodySize: configuration.maximumRequestSize, bodyTimeout: configuration.httpRequestTimeout,
                idleTimeout: configuration.httpIdleTimeout)
            var api = HTTPAPI(
                archive: archive, configuration: http, logger: logger, metricsRegistry: metricsRegistry,
                authentication: authentication)
            api.modalities = DICOMPeerClient(
                archive: archive, aeTitle: configuration.aeTitle, peers: configuration.peers, logger: logger)
            let httpService = api.application(onListening: { port in
                logger.info("HTTP listening", metadata: ["port": "\(port)"])
                onHTTPListening(port)
            })
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
                .init(service: dicom), .init(service: httpService),
            ]
            if let https = try await httpsServices(api: api, onListening: onHTTPSListening) {
                services += https
            }
            if let keyRefresher { services.append(.init(service: keyRefresher)) }
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: services,
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
        return try await withIndex { index in
            try await withBlobStore(index: index) { blobs in
                var archiveConfiguration = Archive.Configuration()
                archiveConfiguration.duplicatePolicy = configuration.duplicatePolicy
                archiveConfiguration.extraAttributes = configuration.extraIndexedAttributes
                let archive = Archive(index: index, blobs: blobs, configuration: archiveConfiguration, logger: logger)
                // Before any association: queries on an extra attribute see every entity's value.
                try await archive.fillExtraAttributes()
                return try await body(archive)
            }
        }
    }

    /// The configured index for the length of `body`: PostgreSQL when a database URL is set,
    /// SQLite in the data directory otherwise; closed after, whatever `body` does.
    func withIndex<Result: Sendable>(_ body: (any IndexStore) async throws -> Result) async throws -> Result {
        if let url = configuration.databaseURL {
            let postgres = try postgresConfiguration(url: url)
            do {
                return try await PostgresIndexStore.withStore(configuration: postgres, logger: logger) { index in
                    try await body(index)
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
            result = try await body(index)
        } catch {
            try? await index.close()
            throw error
        }
        try await index.close()
        return result
    }

    /// The configured blob store for the length of `body`. An S3 store is checked first (a
    /// small object put, read back and deleted), so that a wrong bucket, endpoint or key stops
    /// start-up with a plain message rather than failing the first C-STORE.
    func withBlobStore<Result: Sendable>(
        index: any IndexStore, _ body: (any BlobStore) async throws -> Result
    ) async throws -> Result {
        if configuration.storage == .postgres {
            guard let postgres = index as? PostgresIndexStore else {
                throw ConfigurationError(
                    setting: "storage (APUS_STORAGE)",
                    problem: "'postgres' keeps files in the PostgreSQL index's database: set APUS_DATABASE_URL too")
            }
            logger.info("blobs in PostgreSQL")
            return try await body(PostgresBlobStore(index: postgres))
        }
        guard let s3 = try configuration.s3Configuration() else {
            return try await FileBlobStore.with(
                root: configuration.dataDirectory + "/files", directWrites: configuration.directWrites
            ) { try await body($0) }
        }
        return try await S3BlobStore.with(configuration: s3, logger: logger) { store in
            try await StorageProbe.check(store, configuration: s3)
            logger.info(
                "blobs in S3",
                metadata: [
                    "bucket": "\(s3.bucket)", "prefix": "\(s3.prefix)", "endpoint": "\(s3.endpoint)",
                    "addressing": "\(s3.addressing.rawValue)",
                ])
            return try await body(store)
        }
    }

    /// What the configuration file asked that Apus does not do, in one line, and the warnings
    /// the operator must see at every start.
    func logConfigurationNotes() {
        if !configuration.ignoredSettings.isEmpty {
            logger.warning(
                "configuration keys not supported by Apus, ignored",
                metadata: ["keys": "\(configuration.ignoredSettings.joined(separator: ", "))"])
        }
        for warning in configuration.startupWarnings { logger.warning("\(warning)") }
        if let rules = configuration.peerAccess {
            logger.info(
                "DICOM peers admitted by AE title, address and certificate",
                metadata: ["aeTitles": "\(Set(rules.map(\.aeTitle)).sorted().joined(separator: ", "))"])
        }
    }

    private func postgresConfiguration(url: String) throws(ConfigurationError) -> PostgresIndexStore.Configuration {
        do {
            return try PostgresIndexStore.Configuration(url: url)
        } catch {
            throw ConfigurationError(setting: "databaseURL", problem: error.problem)
        }
    }

    func dicomServer(archive: Archive) throws(ConfigurationError) -> DICOMServer {
        var policy = AssociationPolicy(
            aeTitle: configuration.aeTitle, acceptsAnyCalledAETitle: configuration.acceptsAnyCalledAETitle,
            allowedCallingAETitles: configuration.allowedCallingAETitles.map(Set.init),
            maximumPDULength: UInt32(configuration.maximumPDULength),
            maximumAssociations: configuration.maximumAssociations,
            operationsWindow: configuration.dicomOperationsWindow)
        policy.requestorCheck = try requestorCheck()
        let logger = logger
        let tls = try configuration.dicomTLS { event in
            switch event {
            case .reloaded(let subject, let serial):
                logger.notice(
                    "DICOM TLS certificate reloaded", metadata: ["subject": "\(subject)", "serial": "\(serial)"])
            case .failed(let error):
                logger.error(
                    "DICOM TLS certificate files changed but cannot be used; the previous certificate stays",
                    metadata: ["reason": "\(error)"])
            }
        }
        guard configuration.servesPlainDICOM || tls != nil else {
            throw ConfigurationError(
                setting: "plainDICOM (APUS_PLAIN_DICOM)",
                problem: "with plain DICOM off, a DICOM TLS port (APUS_DICOM_TLS_PORT) is needed")
        }
        return DICOMServer(
            configuration: DICOMServer.Configuration(
                host: configuration.dicomHost, port: configuration.dicomPort, policy: policy,
                tls: tls.map { DICOMServer.TLSListener(port: configuration.dicomTLSPort ?? 11112, configuration: $0) },
                servesPlain: configuration.servesPlainDICOM),
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
    let onTLSListening: @Sendable (Int) -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await server.run(
                onListening: { address in
                    logger.info(
                        "DICOM SCP listening",
                        metadata: ["address": "\(address)", "aeTitle": "\(server.configuration.policy.aeTitle)"])
                    onListening(address.port ?? server.configuration.port)
                },
                onTLSListening: { address in
                    logger.info("DICOM TLS SCP listening", metadata: ["address": "\(address)"])
                    onTLSListening(address.port ?? server.configuration.tls?.port ?? 0)
                })
        }
        logger.info("DICOM SCP stopped")
    }
}
