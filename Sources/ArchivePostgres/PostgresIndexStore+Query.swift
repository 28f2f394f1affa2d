public import Archive
import DICOM
import PostgresNIO

extension PostgresIndexStore {
    public func query(_ query: ArchiveQuery) -> AsyncThrowingStream<IndexRow, any Error> {
        let level = query.level
        let alias = PostgresColumns.alias(level)
        let sql = PostgresQuerySQL(query)
        var tags: [Tag] = []
        // Every output as text: IndexRow carries integers in decimal, as received.
        var expressions: [String] = []
        for attribute in query.requestedAttributes {
            tags.append(attribute.tag)
            expressions.append("\(PostgresColumns.qualified(attribute))::text")
        }
        for attribute in query.requestedExtras {
            tags.append(attribute.tag)
            expressions.append(PostgresExtraValues.value(attribute))
        }
        for computed in query.requestedComputed {
            tags.append(computed.tag)
            expressions.append("(\(Self.expression(for: computed)))::text")
        }
        let columns = (["\(alias).pk"] + expressions).joined(separator: ", ")
        let base = "SELECT \(columns) FROM \(PostgresQuerySQL.from(level))"
        let outputs = tags
        let cursor = PagedCursor<IndexRow>(limit: query.limit, offset: query.offset, pageSize: configuration.pageSize) {
            after, offset, count in
            let page = Self.page(base, alias: alias, sql: sql, after: after, offset: offset, count: count)
            return try await self.reading { client in
                var result: [(Int, IndexRow)] = []
                for try await row in try await client.query(page, logger: self.logger) {
                    var cells = row.makeIterator()
                    guard let first = cells.next() else { continue }
                    let pk = try first.decode(Int.self)
                    var values: [Tag: String] = [:]
                    for tag in outputs {
                        guard let cell = cells.next() else { break }
                        if let text = try cell.decode(String?.self), !text.isEmpty { values[tag] = text }
                    }
                    result.append((pk, IndexRow(values: values)))
                }
                return result
            }
        }
        return cursor.stream
    }

    public func instances(matching query: ArchiveQuery) -> AsyncThrowingStream<StoredInstance, any Error> {
        let sql = PostgresQuerySQL(query)
        let base = "SELECT \(PostgresStoredInstance.columns) FROM \(PostgresQuerySQL.from(.image))"
        let cursor = PagedCursor<StoredInstance>(
            limit: query.limit, offset: query.offset, pageSize: configuration.pageSize
        ) { after, offset, count in
            let page = Self.page(base, alias: "i", sql: sql, after: after, offset: offset, count: count)
            return try await self.reading { client in
                var result: [(Int, StoredInstance)] = []
                for try await row in try await client.query(page, logger: self.logger) {
                    result.append(try PostgresStoredInstance.decode(row))
                }
                return result
            }
        }
        return cursor.stream
    }

    public func metadata(matching query: ArchiveQuery) -> AsyncThrowingStream<InstanceMetadata, any Error> {
        let sql = PostgresQuerySQL(query)
        let base =
            "SELECT i.pk, m.encoding, m.bytes FROM \(PostgresQuerySQL.from(.image)) JOIN instance_metadata m ON m.instance_pk = i.pk"
        let cursor = PagedCursor<InstanceMetadata>(
            limit: query.limit, offset: query.offset, pageSize: configuration.pageSize
        ) { after, offset, count in
            let page = Self.page(base, alias: "i", sql: sql, after: after, offset: offset, count: count)
            return try await self.reading { client in
                var result: [(Int, InstanceMetadata)] = []
                let rows = try await client.query(page, logger: self.logger)
                for try await (pk, code, bytes) in rows.decode((Int, Int, ByteBuffer).self) {
                    guard let encoding = InstanceMetadata.Encoding(rawValue: code) else {
                        throw IndexStoreError.corrupt("metadata row with an unknown encoding")
                    }
                    result.append((pk, InstanceMetadata(encoding: encoding, bytes: bytes)))
                }
                return result
            }
        }
        return cursor.stream
    }

    /// One page: the query's predicates, then keyset pagination on the level's key.
    private static func page(
        _ base: String, alias: String, sql: PostgresQuerySQL, after: Int?, offset: Int, count: Int
    ) -> PostgresQuery {
        var sql = sql
        var clauses = sql.whereClauses
        if let after { clauses.append("\(alias).pk > \(sql.bind(.integer(after)))") }
        var text = base
        if !clauses.isEmpty { text += " WHERE " + clauses.joined(separator: " AND ") }
        text += " ORDER BY \(alias).pk LIMIT \(sql.bind(.integer(count)))"
        if offset > 0 { text += " OFFSET \(sql.bind(.integer(offset)))" }
        return PostgresQuery(unsafeSQL: text, binds: sql.binds)
    }

    /// SQL for a computed attribute: counters the triggers keep, or the sorted distinct
    /// values below a study, joined with `\` as a multi-valued attribute is.
    static func expression(for computed: ComputedAttribute) -> String {
        switch computed {
        case .numberOfPatientRelatedStudies: "p.study_count"
        case .numberOfPatientRelatedSeries: "p.series_count"
        case .numberOfPatientRelatedInstances: "p.instance_count"
        case .numberOfStudyRelatedSeries: "st.series_count"
        case .numberOfStudyRelatedInstances: "st.instance_count"
        case .numberOfSeriesRelatedInstances: "se.instance_count"
        case .modalitiesInStudy:
            """
            SELECT string_agg(DISTINCT x.modality, '\\' ORDER BY x.modality) FROM series x \
            WHERE x.study_pk = st.pk AND x.modality IS NOT NULL
            """
        case .sopClassesInStudy:
            """
            SELECT string_agg(DISTINCT x.sopclassuid, '\\' ORDER BY x.sopclassuid) FROM instances x \
            JOIN series xs ON xs.pk = x.series_pk WHERE xs.study_pk = st.pk
            """
        }
    }
}
