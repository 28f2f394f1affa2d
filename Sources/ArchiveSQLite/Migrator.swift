import Archive
import Logging

/// Applies the missing migrations of `Schema`, each with its `user_version` in one
/// transaction, so that a crash mid-upgrade leaves the previous version intact.
enum Migrator {
    static func migrate(_ session: SQLiteSession, logger: Logger) throws {
        let rows = try session.rows("PRAGMA user_version")
        let current = rows.first?.column("user_version")?.integer ?? 0
        guard current <= Schema.latestVersion else {
            throw IndexStoreError.unsupportedSchemaVersion(Int(current))
        }
        for migration in Schema.migrations where migration.version > current {
            try session.execute("BEGIN IMMEDIATE")
            do {
                for statement in migration.statements {
                    try session.execute(statement)
                }
                try migration.fill?(session)
                // PRAGMA takes no parameters; the version is a number from this file.
                try session.execute("PRAGMA user_version = \(migration.version)")
                try session.execute("COMMIT")
            } catch {
                try? session.execute("ROLLBACK")
                throw error
            }
            logger.info("index schema migrated", metadata: ["version": "\(migration.version)"])
        }
    }
}
