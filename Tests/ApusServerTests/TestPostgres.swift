import ArchivePostgres
import Foundation
import Logging
import PostgresNIO

/// A database of its own for one test, on the server `APUS_TEST_POSTGRES_URL` names
/// (`scripts/postgres-for-tests` starts one): created with a random name, dropped after.
enum TestPostgres {
    static let variable = "APUS_TEST_POSTGRES_URL"

    /// `body` gets the new database's URL.
    static func withDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        guard let server = ProcessInfo.processInfo.environment[variable], !server.isEmpty,
            var components = URLComponents(string: server)
        else {
            throw Tools.ToolMissing(
                path: "a PostgreSQL server in \(variable): run ./scripts/test, or "
                    + "eval \"$(scripts/postgres-for-tests start)\" before swift test (README, \"Tests\")")
        }
        let name = "apus_replica_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer(server, "CREATE DATABASE \(name)")
        components.path = "/" + name
        do {
            let result = try await body(components.string ?? server)
            try await administer(server, "DROP DATABASE \(name) WITH (FORCE)")
            return result
        } catch {
            _ = try? await administer(server, "DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
    }

    /// One statement, or a query's single number, on a connection of its own.
    @discardableResult
    static func administer(_ url: String, _ statement: String) async throws -> Int? {
        let client = try PostgresIndexStore.Configuration(url: url).client
        var logger = Logger(label: "apus.tests.postgres")
        logger.logLevel = .critical
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: client.host ?? "127.0.0.1", port: client.port ?? 5432, username: client.username,
                password: client.password, database: client.database, tls: .disable),
            id: 1, logger: logger)
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
            try await connection.close()
            return try rows.first?.decode(Int.self)
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
