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
                SELECT \(PostgresResourceKeys.columns(level).joined(separator: ", ")),
                    extract(epoch FROM \(PostgresResourceKeys.lastStored(level)))::float8
                FROM \(PostgresQuerySQL.from(level)) WHERE \(alias).resource_id = $1 ORDER BY \(alias).pk LIMIT 1
                """, binds: binds)
        return try await reading { client in
            guard let row = try await client.query(query, logger: logger).collect().first else { return nil }
            var cells = row.makeIterator()
            var keys: [String] = []
            for _ in PostgresResourceKeys.columns(level) {
                guard let cell = cells.next() else { throw IndexStoreError.corrupt("resource row without its keys") }
                keys.append(try cell.decode(String.self))
            }
            let lastStored = try cells.next()?.decode(Double?.self) ?? 0
            return PostgresResourceKeys.resource(level: level, keys: keys, lastStored: lastStored)
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
                if count < PostgresResourceKeys.fillPageSize { break }
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
                SELECT \(alias).pk, \(PostgresResourceKeys.columns(level).joined(separator: ", "))
                FROM \(PostgresQuerySQL.from(level)) WHERE \(alias).resource_id IS NULL
                ORDER BY \(alias).pk LIMIT \(PostgresResourceKeys.fillPageSize)
                """)
        return try await reading { client in
            var pks: [Int] = []
            var ids: [String] = []
            for row in try await client.query(select, logger: logger).collect() {
                var cells = row.makeIterator()
                guard let first = cells.next() else { continue }
                let pk = try first.decode(Int.self)
                var keys: [String] = []
                while let cell = cells.next() { keys.append(try cell.decode(String.self)) }
                guard let id = PostgresResourceKeys.resource(level: level, keys: keys, lastStored: 0).id() else {
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

/// The columns that place an entity — the unique keys of its level and those above it — and
/// when an instance below it was last stored.
enum PostgresResourceKeys {
    static let fillPageSize = 1000

    static func columns(_ level: QueryLevel) -> [String] {
        var columns = ["p.patientid", "p.issuerofpatientid"]
        if level >= .study { columns.append("st.studyinstanceuid") }
        if level >= .series { columns.append("se.seriesinstanceuid") }
        if level >= .image { columns.append("i.sopinstanceuid") }
        return columns
    }

    /// The newest `stored_at` at or below the entity, through the parent-key indexes.
    static func lastStored(_ level: QueryLevel) -> String {
        switch level {
        case .image: "i.stored_at"
        case .series: "(SELECT max(x.stored_at) FROM instances x WHERE x.series_pk = se.pk)"
        case .study:
            "(SELECT max(x.stored_at) FROM instances x JOIN series xs ON xs.pk = x.series_pk WHERE xs.study_pk = st.pk)"
        case .patient:
            """
            (SELECT max(x.stored_at) FROM instances x JOIN series xs ON xs.pk = x.series_pk \
            JOIN studies xt ON xt.pk = xs.study_pk WHERE xt.patient_pk = p.pk)
            """
        }
    }

    /// The entity from the values of `columns(level)`, in order.
    static func resource(level: QueryLevel, keys: [String], lastStored: Double) -> IndexedResource {
        let key = { (index: Int) in index < keys.count ? keys[index] : nil }
        return IndexedResource(
            level: level, patient: PatientIdentity(patientID: key(0) ?? "", issuer: key(1) ?? ""),
            studyInstanceUID: level >= .study ? key(2) : nil, seriesInstanceUID: level >= .series ? key(3) : nil,
            sopInstanceUID: level >= .image ? key(4) : nil, lastStored: lastStored)
    }
}
