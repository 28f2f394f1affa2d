public import Archive
import DICOM

extension SQLiteIndexStore {
    public func query(_ query: ArchiveQuery) -> AsyncThrowingStream<IndexRow, any Error> {
        let level = query.level
        let alias = Columns.alias(level)
        let sql = QuerySQL(query)
        var outputs: [(name: String, tag: Tag)] = []
        var expressions: [String] = []
        for (index, attribute) in query.requestedAttributes.enumerated() {
            outputs.append(("a\(index)", attribute.tag))
            expressions.append("\(Columns.qualified(attribute)) AS a\(index)")
        }
        for (index, attribute) in query.requestedExtras.enumerated() {
            outputs.append(("e\(index)", attribute.tag))
            expressions.append("\(ExtraValues.value(attribute)) AS e\(index)")
        }
        for (index, computed) in query.requestedComputed.enumerated() {
            outputs.append(("c\(index)", computed.tag))
            expressions.append("\(Self.expression(for: computed)) AS c\(index)")
        }
        let columns = (expressions + ["\(alias).pk AS row_pk"]).joined(separator: ", ")
        let names = outputs
        let base = "SELECT \(columns) FROM \(QuerySQL.from(level))"
        let cursor = PagedCursor<IndexRow>(limit: query.limit, offset: query.offset, pageSize: configuration.pageSize) {
            after, offset, count in
            let (text, binds) = Self.page(base, alias: alias, sql: sql, after: after, offset: offset, count: count)
            return try await self.reader.rows(text, binds).map { row in
                var values: [Tag: String] = [:]
                for (name, tag) in names {
                    if let value = Columns.text(row.column(name)) { values[tag] = value }
                }
                return (row.column("row_pk")?.integer ?? 0, IndexRow(values: values))
            }
        }
        return cursor.stream
    }

    public func instances(matching query: ArchiveQuery) -> AsyncThrowingStream<StoredInstance, any Error> {
        let sql = QuerySQL(query)
        let base = "SELECT \(StoredInstanceRow.columns) FROM \(QuerySQL.from(.image))"
        let cursor = PagedCursor<StoredInstance>(
            limit: query.limit, offset: query.offset, pageSize: configuration.pageSize
        ) { after, offset, count in
            let (text, binds) = Self.page(base, alias: "i", sql: sql, after: after, offset: offset, count: count)
            return try await self.reader.rows(text, binds).map { row in
                (row.column("pk")?.integer ?? 0, try StoredInstanceRow.decode(row))
            }
        }
        return cursor.stream
    }

    public func metadata(matching query: ArchiveQuery) -> AsyncThrowingStream<InstanceMetadata, any Error> {
        let sql = QuerySQL(query)
        let base =
            "SELECT i.pk, m.encoding, m.bytes FROM \(QuerySQL.from(.image)) JOIN instance_metadata m ON m.instance_pk = i.pk"
        let cursor = PagedCursor<InstanceMetadata>(
            limit: query.limit, offset: query.offset, pageSize: configuration.pageSize
        ) { after, offset, count in
            let (text, binds) = Self.page(base, alias: "i", sql: sql, after: after, offset: offset, count: count)
            return try await self.reader.rows(text, binds).map { row in
                guard let pk = row.column("pk")?.integer, let code = row.column("encoding")?.integer,
                    let encoding = InstanceMetadata.Encoding(rawValue: code), let bytes = row.column("bytes")?.blob
                else { throw IndexStoreError.corrupt("metadata row with an unknown encoding") }
                return (pk, InstanceMetadata(encoding: encoding, bytes: bytes))
            }
        }
        return cursor.stream
    }

    /// One page: the query's predicates, then keyset pagination on the level's key.
    private static func page(
        _ base: String, alias: String, sql: QuerySQL, after: Int?, offset: Int, count: Int
    ) -> (String, [SQLiteData]) {
        var clauses = sql.whereClauses
        var binds = sql.binds
        if let after {
            clauses.append("\(alias).pk > ?")
            binds.append(.integer(after))
        }
        var text = base
        if !clauses.isEmpty { text += " WHERE " + clauses.joined(separator: " AND ") }
        text += " ORDER BY \(alias).pk LIMIT ?"
        binds.append(.integer(count))
        if offset > 0 {
            text += " OFFSET ?"
            binds.append(.integer(offset))
        }
        return (text, binds)
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
            (SELECT group_concat(m, '\\') FROM (SELECT DISTINCT Modality AS m FROM series \
            WHERE study_pk = st.pk AND Modality IS NOT NULL ORDER BY m))
            """
        case .sopClassesInStudy:
            """
            (SELECT group_concat(c, '\\') FROM (SELECT DISTINCT x.SOPClassUID AS c FROM instances x \
            JOIN series xs ON xs.pk = x.series_pk WHERE xs.study_pk = st.pk ORDER BY c))
            """
        }
    }
}
