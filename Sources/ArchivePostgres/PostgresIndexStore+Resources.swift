public import Archive
import Logging
import PostgresNIO

extension PostgresIndexStore {
    public func resource(_ id: ResourceID, at level: QueryLevel) async throws -> IndexedResource? {
        if let found = try await lookUp(id, at: level) { return found }
        // A replica of an older build may have stored it without an id (a rolling upgrade).
        guard try await fillMissingResourceIDs() > 0 else { return nil }
        return try await lookUp(id, at: level)
    }

    private func lookUp(_ id: ResourceID, at level: QueryLevel) async throws -> IndexedResource? {
        let logger = self.logger
        let alias = PostgresColumns.alias(level)
        var binds = PostgresBindings()
        binds.append(id.description)
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(ResourceKeySQL.keyColumns(level).joined(separator: ", ")),
                    extract(epoch FROM \(ResourceKeySQL.lastStored(level)))::float8
                FROM \(PostgresQuerySQL.from(level)) WHERE \(alias).resource_id = $1 ORDER BY \(alias).pk LIMIT 1
                """, binds: binds)
        return try await reading { client in
            guard let row = try await client.query(query, logger: logger).collect().first else { return nil }
            var cells = row.makeIterator()
            var keys: [String?] = []
            for _ in ResourceKeySQL.keyColumns(level) {
                guard let cell = cells.next() else { throw IndexStoreError.corrupt("resource row without its keys") }
                keys.append(try cell.decode(String.self))
            }
            let lastStored = try cells.next()?.decode(Double?.self) ?? 0
            return ResourceKeySQL.resource(level: level, keys: keys, lastStored: lastStored)
        }
    }

    /// Computes the ids of rows that have none — rows stored before schema version 3, or by a
    /// replica of an older build since — a page at a time, found through the partial index
    /// of such rows (empty, and so free to ask, once they are filled). Returns how many.
    @discardableResult
    func fillMissingResourceIDs() async throws -> Int {
        var filled = 0
        for level in QueryLevel.allCases {
            while true {
                let count = try await fillPage(level)
                filled += count
                if count < ResourceKeySQL.fillPageSize { break }
            }
        }
        if filled > 0 { logger.notice("REST ids computed for rows without one", metadata: ["rows": "\(filled)"]) }
        return filled
    }

    private func fillPage(_ level: QueryLevel) async throws -> Int {
        let logger = self.logger
        let alias = PostgresColumns.alias(level)
        let table = PostgresColumns.table(level)
        let select = PostgresQuery(
            unsafeSQL: """
                SELECT \(alias).pk, \(ResourceKeySQL.keyColumns(level).joined(separator: ", "))
                FROM \(PostgresQuerySQL.from(level)) WHERE \(alias).resource_id IS NULL
                ORDER BY \(alias).pk LIMIT \(ResourceKeySQL.fillPageSize)
                """)
        return try await reading { client in
            var pks: [Int] = []
            var ids: [String] = []
            for row in try await client.query(select, logger: logger).collect() {
                var cells = row.makeIterator()
                guard let first = cells.next() else { continue }
                let pk = try first.decode(Int.self)
                var keys: [String?] = []
                while let cell = cells.next() { keys.append(try cell.decode(String.self)) }
                guard let id = ResourceKeySQL.resource(level: level, keys: keys, lastStored: 0).id() else {
                    continue
                }
                pks.append(pk)
                ids.append(id.description)
            }
            guard !pks.isEmpty else { return 0 }
            var binds = PostgresBindings()
            binds.append(pks)
            binds.append(ids)
            try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        UPDATE \(table) t SET resource_id = v.id FROM unnest($1::bigint[], $2::text[]) AS v(pk, id)
                        WHERE t.pk = v.pk AND t.resource_id IS NULL
                        """, binds: binds), logger: logger)
            return pks.count
        }
    }
}

extension ResourceKeySQL {
    /// How many rows without an id one pass fills.
    static let fillPageSize = 1000
}
