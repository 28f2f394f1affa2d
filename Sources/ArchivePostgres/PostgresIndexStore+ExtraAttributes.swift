public import Archive
import DICOM
import Logging
import PostgresNIO

extension PostgresIndexStore {
    public func prepareExtraAttributes(_ attributes: [IndexedAttribute]) async throws -> [IndexedAttribute] {
        let logger = self.logger
        return try await transaction("prepare extra attributes") { connection in
            for attribute in attributes {
                try await connection.query(
                    """
                    INSERT INTO extra_attributes (level, tag) VALUES (\(attribute.level.rawValue), \(Int(attribute.tag.rawValue)))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            var recorded: [(String, Int, Bool)] = []
            let rows = try await connection.query("SELECT level, tag, filled FROM extra_attributes", logger: logger)
            for try await row in rows.decode((String, Int, Bool).self) { recorded.append(row) }
            var pending: [IndexedAttribute] = []
            for (level, tag, filled) in recorded {
                if let attribute = attributes.first(where: {
                    $0.level.rawValue == level && Int($0.tag.rawValue) == tag
                }) {
                    if !filled { pending.append(attribute) }
                    continue
                }
                // No longer configured: its values would go stale while unconfigured.
                try await connection.query(
                    "DELETE FROM extra_values WHERE level = \(level) AND tag = \(tag)", logger: logger)
                try await connection.query(
                    "DELETE FROM extra_attributes WHERE level = \(level) AND tag = \(tag)", logger: logger)
            }
            return .commit(pending)
        }
    }

    public func extraAttributeSources(
        _ attribute: IndexedAttribute, after: Int, limit: Int
    ) async throws -> [ExtraAttributeSource] {
        let logger = self.logger
        let level = attribute.level
        // The first instance of each entity: the one whose values the entity's row took.
        let sql = """
            SELECT e.pk, m.encoding, m.bytes FROM \(PostgresColumns.table(level)) e
            JOIN instance_metadata m ON m.instance_pk = (
                SELECT min(i.pk) FROM \(PostgresQuerySQL.from(.image)) WHERE \(PostgresColumns.alias(level)).pk = e.pk)
            WHERE e.pk > $1 ORDER BY e.pk LIMIT $2
            """
        var binds = PostgresBindings()
        binds.append(after)
        binds.append(max(1, limit))
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await reading { client in
            var sources: [ExtraAttributeSource] = []
            let rows = try await client.query(query, logger: logger)
            for try await (entity, code, bytes) in rows.decode((Int, Int, ByteBuffer).self) {
                guard let encoding = InstanceMetadata.Encoding(rawValue: code) else {
                    throw IndexStoreError.corrupt("metadata row with an unknown encoding")
                }
                sources.append(
                    ExtraAttributeSource(entity: entity, metadata: InstanceMetadata(encoding: encoding, bytes: bytes)))
            }
            return sources
        }
    }

    public func fillExtraAttribute(_ attribute: IndexedAttribute, values: [Int: String], complete: Bool) async throws {
        let logger = self.logger
        let rows: [PostgresExtraValues.Row] = values.map { (attribute, $0.key, $0.value) }
        try await transaction("fill extra attribute") { connection in
            // Entities stored since the fill started have their values already: kept.
            try await PostgresExtraValues.insert(rows, on: connection, logger: logger)
            if complete {
                try await connection.query(
                    """
                    UPDATE extra_attributes SET filled = true
                    WHERE level = \(attribute.level.rawValue) AND tag = \(Int(attribute.tag.rawValue))
                    """, logger: logger)
            }
            return .commit(())
        }
    }
}
