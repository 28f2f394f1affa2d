public import Archive

extension SQLiteIndexStore {
    public func resource(_ id: ResourceID, at level: QueryLevel) async throws -> IndexedResource? {
        let alias = Columns.alias(level)
        let rows = try await reader.rows(
            """
            SELECT \(ResourceKeySQL.keyColumns(level).joined(separator: ", ")),
                \(ResourceKeySQL.lastStored(level)) AS last_stored
            FROM \(QuerySQL.from(level)) WHERE \(alias).resource_id = ? ORDER BY \(alias).pk LIMIT 1
            """, [.text(id.description)])
        guard let row = rows.first else { return nil }
        return ResourceKeySQL.resource(row, level: level, lastStored: row.column("last_stored")?.double ?? 0)
    }
}

extension ResourceKeySQL {
    /// The entity from a row that selected `keyColumns(level)`.
    static func resource(_ row: SQLiteRow, level: QueryLevel, lastStored: Double) -> IndexedResource {
        resource(level: level, keys: keyNames(level).map { row.column($0)?.string }, lastStored: lastStored)
    }
}
