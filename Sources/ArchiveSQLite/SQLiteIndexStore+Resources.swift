public import Archive
import SQLiteNIO

extension SQLiteIndexStore {
    public func resource(_ id: ResourceID, at level: QueryLevel) async throws -> IndexedResource? {
        let alias = Columns.alias(level)
        let rows = try await reader.query(
            """
            SELECT \(ResourceLookup.keyColumns(level).joined(separator: ", ")),
                \(ResourceLookup.lastStored(level)) AS last_stored
            FROM \(QuerySQL.from(level)) WHERE \(alias).resource_id = ? ORDER BY \(alias).pk LIMIT 1
            """, [.text(id.description)])
        guard let row = rows.first else { return nil }
        return ResourceLookup.resource(from: row, level: level, lastStored: row.column("last_stored")?.double ?? 0)
    }
}

/// The SQL that places an entity: the unique keys of its level and those above it, and when
/// an instance below it was last stored.
enum ResourceLookup {
    static func keyColumns(_ level: QueryLevel) -> [String] {
        var columns = ["p.PatientID", "p.IssuerOfPatientID"]
        if level >= .study { columns.append("st.StudyInstanceUID") }
        if level >= .series { columns.append("se.SeriesInstanceUID") }
        if level >= .image { columns.append("i.SOPInstanceUID") }
        return columns
    }

    /// The newest `stored_at` at or below the entity (an index range per level, no scan).
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

    static func resource(from row: SQLiteRow, level: QueryLevel, lastStored: Double) -> IndexedResource {
        IndexedResource(
            level: level,
            patient: PatientIdentity(
                patientID: row.column("PatientID")?.string ?? "", issuer: row.column("IssuerOfPatientID")?.string ?? ""),
            studyInstanceUID: level >= .study ? row.column("StudyInstanceUID")?.string : nil,
            seriesInstanceUID: level >= .series ? row.column("SeriesInstanceUID")?.string : nil,
            sopInstanceUID: level >= .image ? row.column("SOPInstanceUID")?.string : nil,
            lastStored: lastStored)
    }
}
