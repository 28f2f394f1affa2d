/// The SQL both indexes use to place an entity found by its REST id: the unique keys of its
/// level and those above it, and when an instance at or below it was last stored. The two
/// schemas share table names, aliases (`p`, `st`, `se`, `i`) and column names (PostgreSQL
/// folds the unquoted ones to lower case), so one text serves both.
public enum ResourceKeySQL {
    /// The key columns' names, patient first: what `resource(level:keys:lastStored:)` reads.
    public static func keyNames(_ level: QueryLevel) -> [String] {
        var names = ["PatientID", "IssuerOfPatientID"]
        if level >= .study { names.append("StudyInstanceUID") }
        if level >= .series { names.append("SeriesInstanceUID") }
        if level >= .image { names.append("SOPInstanceUID") }
        return names
    }

    /// `keyNames(level)` qualified by their tables' aliases, for a select list.
    public static func keyColumns(_ level: QueryLevel) -> [String] {
        let aliases = ["p", "p", "st", "se", "i"]
        return zip(aliases, keyNames(level)).map { "\($0).\($1)" }
    }

    /// The newest `stored_at` at or below the entity, through the parent-key indexes (no scan).
    public static func lastStored(_ level: QueryLevel) -> String {
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

    /// The entity from the values of `keyColumns(level)`, in order (a missing value: empty
    /// for the patient's keys, nil for a UID).
    public static func resource(level: QueryLevel, keys: [String?], lastStored: Double) -> IndexedResource {
        let key = { (index: Int) in index < keys.count ? keys[index] : nil }
        return IndexedResource(
            level: level, patient: PatientIdentity(patientID: key(0) ?? "", issuer: key(1) ?? ""),
            studyInstanceUID: level >= .study ? key(2) : nil, seriesInstanceUID: level >= .series ? key(3) : nil,
            sopInstanceUID: level >= .image ? key(4) : nil, lastStored: lastStored)
    }
}
