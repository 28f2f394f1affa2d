import Archive
import Logging
import SQLiteNIO

/// Applies the missing migrations of `Schema`, each with its `user_version` in one
/// transaction, so that a crash mid-upgrade leaves the previous version intact.
enum Migrator {
    static func migrate(_ connection: SQLiteConnection, logger: Logger) async throws {
        let rows = try await connection.rows("PRAGMA user_version", [])
        let current = rows.first?.column("user_version")?.integer ?? 0
        guard current <= Schema.latestVersion else {
            throw IndexStoreError.unsupportedSchemaVersion(Int(current))
        }
        for migration in Schema.migrations where migration.version > current {
            _ = try await connection.rows("BEGIN IMMEDIATE", [])
            do {
                for statement in migration.statements {
                    _ = try await connection.rows(statement, [])
                }
                try await migration.fill?(connection)
                // PRAGMA takes no parameters; the version is a number from this file.
                _ = try await connection.rows("PRAGMA user_version = \(migration.version)", [])
                _ = try await connection.rows("COMMIT", [])
            } catch {
                _ = try? await connection.rows("ROLLBACK", [])
                throw error
            }
            logger.info("index schema migrated", metadata: ["version": "\(migration.version)"])
        }
    }
}
