public import Archive
import DICOM

extension SQLiteIndexStore {
    public func prepareExtraAttributes(_ attributes: [IndexedAttribute]) async throws -> [IndexedAttribute] {
        try await writer.perform { session in
            for attribute in attributes {
                try session.execute(
                    "INSERT OR IGNORE INTO extra_attributes (level, tag) VALUES (?, ?)",
                    [.text(attribute.level.rawValue), .integer(Int(attribute.tag.rawValue))])
            }
            var pending: [IndexedAttribute] = []
            for row in try session.rows("SELECT level, tag, filled FROM extra_attributes", []) {
                guard let level = row.column("level")?.string, let tag = row.column("tag")?.integer else { continue }
                if let attribute = attributes.first(where: {
                    $0.level.rawValue == level && Int($0.tag.rawValue) == tag
                }) {
                    if row.column("filled")?.integer == 0 { pending.append(attribute) }
                    continue
                }
                // No longer configured: its values would go stale while unconfigured.
                try session.execute(
                    "DELETE FROM extra_values WHERE level = ? AND tag = ?", [.text(level), .integer(tag)])
                try session.execute(
                    "DELETE FROM extra_attributes WHERE level = ? AND tag = ?", [.text(level), .integer(tag)])
            }
            return pending
        }
    }

    public func extraAttributeSources(
        _ attribute: IndexedAttribute, after: Int, limit: Int
    ) async throws -> [ExtraAttributeSource] {
        let level = attribute.level
        // The first instance of each entity: the one whose values the entity's row took.
        let rows = try await reader.rows(
            """
            SELECT e.pk AS entity, m.encoding, m.bytes FROM \(Columns.table(level)) e
            JOIN instance_metadata m ON m.instance_pk = (
                SELECT min(i.pk) FROM \(QuerySQL.from(.image)) WHERE \(Columns.alias(level)).pk = e.pk)
            WHERE e.pk > ? ORDER BY e.pk LIMIT ?
            """, [.integer(after), .integer(max(1, limit))])
        return try rows.map { row in
            guard let entity = row.column("entity")?.integer, let code = row.column("encoding")?.integer,
                let encoding = InstanceMetadata.Encoding(rawValue: code), let bytes = row.column("bytes")?.blob
            else { throw IndexStoreError.corrupt("metadata row with an unknown encoding") }
            return ExtraAttributeSource(entity: entity, metadata: InstanceMetadata(encoding: encoding, bytes: bytes))
        }
    }

    public func fillExtraAttribute(_ attribute: IndexedAttribute, values: [Int: String], complete: Bool) async throws {
        try await writer.perform { session in
            // Entities stored since the fill started have their values already: kept.
            try ExtraValues.insert(values.map { (attribute, $0.key, $0.value) }, on: session)
            if complete {
                try session.execute(
                    "UPDATE extra_attributes SET filled = 1 WHERE level = ? AND tag = ?",
                    [.text(attribute.level.rawValue), .integer(Int(attribute.tag.rawValue))])
            }
        }
    }
}
