import Archive
import Logging
import PostgresNIO

/// Applies the missing migrations of `PostgresSchema` exactly once, however many replicas
/// start at the same moment: each takes a session advisory lock first, so one migrates
/// while the others wait, then find nothing left to do. Each transactional migration
/// commits with its row in `apus_schema_migrations`; a crash mid-way leaves the previous
/// version intact.
enum PostgresMigrator {
    /// The advisory lock key of schema changes ("apus" in ASCII).
    static let lockKey: Int64 = 0x6170_7573

    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            try await lock(connection, logger: logger)
            do {
                try await migrate(connection, logger: logger)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
        }
    }

    /// Takes the lock by trying, with a pause between tries, rather than by waiting inside
    /// `pg_advisory_lock`: a session waiting in a statement holds a snapshot, which
    /// `CREATE INDEX CONCURRENTLY` in the migrating session would wait for — a deadlock.
    private static func lock(_ connection: PostgresConnection, logger: Logger) async throws {
        while true {
            let rows = try await connection.query("SELECT pg_try_advisory_lock(\(lockKey))", logger: logger)
            var locked = false
            for try await value in rows.decode(Bool.self) { locked = value }
            if locked { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS apus_schema_migrations (
                version integer PRIMARY KEY,
                compatible_from integer NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var current = 0
        var compatibleFrom = 0
        let rows = try await connection.query(
            "SELECT coalesce(max(version), 0), coalesce(max(compatible_from), 0) FROM apus_schema_migrations",
            logger: logger)
        for try await (version, compatible) in rows.decode((Int, Int).self) {
            current = version
            compatibleFrom = compatible
        }
        // A newer release's expand migrations leave this build working (a rolling upgrade in
        // progress); a contract migration it doesn't survive stops it here.
        guard compatibleFrom <= PostgresSchema.latestVersion else {
            throw IndexStoreError.unsupportedSchemaVersion(current)
        }
        for migration in PostgresSchema.migrations where migration.version > current {
            if migration.transactional { try await connection.query("BEGIN", logger: logger) }
            do {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO apus_schema_migrations (version, compatible_from)
                    VALUES (\(migration.version), \(migration.compatibleFrom))
                    """, logger: logger)
                if migration.transactional { try await connection.query("COMMIT", logger: logger) }
            } catch {
                if migration.transactional { _ = try? await connection.query("ROLLBACK", logger: logger) }
                throw error
            }
            logger.info("index schema migrated", metadata: ["version": "\(migration.version)"])
        }
    }
}
