public import Logging
import PostgresNIO

extension PostgresIndexStore {
    /// Where a database's schema stands against this build's, for `apus check`.
    public struct SchemaStatus: Sendable, Equatable {
        /// The schema version the database has (0: no Apus schema yet).
        public var version: Int
        /// The oldest build's schema the database still works with.
        public var compatibleFrom: Int
        /// This build's schema version.
        public var latest: Int
        /// Whether the user may create tables, so that start-up can migrate.
        public var mayCreateTables: Bool

        public var isCurrent: Bool { version >= latest && compatibleFrom <= latest }
        /// A newer release's schema this build can't work with.
        public var isTooNew: Bool { compatibleFrom > latest }
    }

    /// One connection (the probe's), two reads, nothing changed: unlike `withStore`, it never
    /// migrates. Unreachable servers and refusals are `PostgresIndexError`s.
    public static func schemaStatus(
        configuration: Configuration, logger: Logger = Logger(label: "apus.index.postgres")
    ) async throws(PostgresIndexError) -> SchemaStatus {
        guard let probe = configuration.probe else {
            throw PostgresIndexError.database("the configuration has no connection to check with")
        }
        do {
            return try await withDeadline(configuration.connectTimeout) {
                let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
                do {
                    let status = try await read(connection, logger: logger)
                    try await connection.close()
                    return status
                } catch {
                    try? await connection.close()
                    throw error
                }
            }
        } catch {
            throw startupFailure(error, configuration: configuration)
        }
    }

    private static func read(_ connection: PostgresConnection, logger: Logger) async throws -> SchemaStatus {
        var status = SchemaStatus(
            version: 0, compatibleFrom: 0, latest: PostgresSchema.latestVersion, mayCreateTables: false)
        let privileges = try await connection.query(
            """
            SELECT coalesce(has_schema_privilege(current_schema(), 'CREATE'), false),
                   to_regclass('apus_schema_migrations') IS NOT NULL
            """,
            logger: logger)
        var hasTable = false
        for try await (mayCreate, table) in privileges.decode((Bool, Bool).self) {
            status.mayCreateTables = mayCreate
            hasTable = table
        }
        guard hasTable else { return status }
        let rows = try await connection.query(
            "SELECT coalesce(max(version), 0), coalesce(max(compatible_from), 0) FROM apus_schema_migrations",
            logger: logger)
        for try await (version, compatible) in rows.decode((Int, Int).self) {
            status.version = version
            status.compatibleFrom = compatible
        }
        return status
    }
}
