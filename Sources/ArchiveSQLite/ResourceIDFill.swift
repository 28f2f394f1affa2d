import Archive

/// Computes the REST ids of rows that have none (those stored before schema version 2), a
/// page at a time in primary key order, inside the migration's transaction.
enum ResourceIDFill {
    static let pageSize = 1000

    static func fill(on session: SQLiteSession) throws {
        for level in QueryLevel.allCases {
            try fill(level, on: session)
        }
    }

    private static func fill(_ level: QueryLevel, on session: SQLiteSession) throws {
        let alias = Columns.alias(level)
        let keys = ResourceKeySQL.keyColumns(level).joined(separator: ", ")
        var after = 0
        while true {
            let rows = try session.rows(
                """
                SELECT \(alias).pk AS row_pk, \(keys) FROM \(QuerySQL.from(level))
                WHERE \(alias).pk > ? AND \(alias).resource_id IS NULL ORDER BY \(alias).pk LIMIT ?
                """, [.integer(after), .integer(pageSize)])
            for row in rows {
                guard let pk = row.column("row_pk")?.integer else { continue }
                after = pk
                guard let id = ResourceKeySQL.resource(row, level: level, lastStored: 0).id() else { continue }
                try session.execute(
                    "UPDATE \(Columns.table(level)) SET resource_id = ? WHERE pk = ?",
                    [.text(id.description), .integer(pk)])
            }
            if rows.count < pageSize { return }
        }
    }
}
