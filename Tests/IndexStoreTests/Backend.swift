import Archive
import ArchivePostgres
import ArchiveSQLite
import Foundation
import Logging
import PostgresNIO
import Testing

/// The index implementations the shared suite runs against. Each test gets a fresh, empty
/// place for its index — a directory for SQLite, a database of its own for PostgreSQL —
/// so that tests run in parallel.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Where an index lives for one test; an index can be opened there more than once.
    struct Location: Sendable {
        let backend: Backend
        let directory: String
        /// The test's own database (PostgreSQL only).
        let postgres: PostgresIndexStore.Configuration?
    }

    /// A new location, removed after `body` (the database dropped).
    func withLocation<T: Sendable>(_ body: (Location) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("index-store-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        switch self {
        case .sqlite:
            return try await body(Location(backend: self, directory: directory, postgres: nil))
        case .postgres:
            return try await TestDatabase.with { configuration in
                try await body(Location(backend: self, directory: directory, postgres: configuration))
            }
        }
    }

    /// The index at `location`, open for the length of `body`.
    func withIndex<T: Sendable>(
        at location: Location, pageSize: Int = 256, logger: Logger, _ body: (any IndexStore) async throws -> T
    ) async throws -> T {
        switch self {
        case .sqlite:
            let index = try await SQLiteIndexStore.open(
                path: location.directory + "/index.sqlite",
                configuration: SQLiteIndexStore.Configuration(pageSize: pageSize),
                logger: logger)
            do {
                let result = try await body(index)
                try await index.close()
                return result
            } catch {
                try? await index.close()
                throw error
            }
        case .postgres:
            guard var configuration = location.postgres else { throw Failure("no database for a PostgreSQL test") }
            configuration.pageSize = pageSize
            return try await PostgresIndexStore.withStore(configuration: configuration, logger: logger) { index in
                try await body(index)
            }
        }
    }
}

/// A database of its own for one test, on the server `APUS_TEST_POSTGRES_URL` names
/// (`scripts/postgres-for-tests` starts one): created with a random name, dropped after.
enum TestDatabase {
    static let variable = "APUS_TEST_POSTGRES_URL"

    /// The server's configuration from the environment; a test that needs it fails, with
    /// what to do, when it is not set.
    static func serverConfiguration() throws -> PostgresIndexStore.Configuration {
        guard let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty else {
            throw Failure(
                "\(variable) is not set: these tests need a PostgreSQL server. Run ./scripts/test, or "
                    + "eval \"$(scripts/postgres-for-tests start)\" before swift test (README, \"Tests\").")
        }
        var configuration = try PostgresIndexStore.Configuration(url: url)
        // Tests run side by side, each with its own pool.
        configuration.client.options.maximumConnections = 6
        configuration.client.options.keepAliveBehavior = nil
        configuration.connectTimeout = .seconds(20)
        return configuration
    }

    static func with<T: Sendable>(_ body: (PostgresIndexStore.Configuration) async throws -> T) async throws -> T {
        let server = try serverConfiguration()
        let name = "apus_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer(server, "CREATE DATABASE \(name)")
        var configuration = server
        configuration.database = name
        do {
            let result = try await body(configuration)
            try await administer(server, "DROP DATABASE \(name) WITH (FORCE)")
            return result
        } catch {
            _ = try? await administer(server, "DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
    }

    /// Statements on one connection of their own to the configuration's database; the text
    /// of the last one's rows (first column).
    @discardableResult
    static func administer(_ server: PostgresIndexStore.Configuration, _ statements: String...) async throws
        -> [String]
    {
        var logger = Logger(label: "apus.tests.postgres")
        logger.logLevel = .critical
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: server.client.host ?? "127.0.0.1", port: server.client.port ?? 5432,
                username: server.client.username, password: server.client.password,
                database: server.client.database, tls: .disable),
            id: 1, logger: logger)
        do {
            var result: [String] = []
            for statement in statements {
                let rows = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
                result = try rows.map { try $0.makeRandomAccess()[0].decode(String?.self) ?? "" }
            }
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
