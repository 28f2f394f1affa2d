import Archive

/// Rows of the `changes` table: written with the rows they describe, read by sequence. Each
/// row keeps the resource's whole path (patient, study, series), so that its REST id can be
/// computed after the resource is deleted.
enum ChangeLog {
    static let columns = "seq, kind, level, uid, issuer, patient_id, patient_issuer, study_uid, series_uid, at"

    static func append(_ changes: [(Change.Kind, ResourcePath)], on session: SQLiteSession) throws {
        guard !changes.isEmpty else { return }
        var binds: [SQLiteData] = []
        for (kind, path) in changes {
            let resource = path.selector
            let (uid, issuer) = identifiers(of: resource)
            binds += [
                .text(kind.rawValue), .text(resource.level.rawValue), .text(uid), issuer.map { .text($0) } ?? .null,
                .text(path.patient.patientID), .text(path.patient.issuer),
                path.studyInstanceUID.map { .text($0) } ?? .null, path.seriesInstanceUID.map { .text($0) } ?? .null,
            ]
        }
        let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, \(Schema.now))", count: changes.count)
            .joined(separator: ", ")
        try session.execute(
            """
            INSERT INTO changes (kind, level, uid, issuer, patient_id, patient_issuer, study_uid, series_uid, at)
            VALUES \(rows)
            """, binds)
    }

    static func identifiers(of resource: ResourceSelector) -> (uid: String, issuer: String?) {
        switch resource {
        case .patient(let identity): (identity.patientID, identity.issuer)
        case .study(let uid), .series(let uid), .instance(let uid): (uid, nil)
        }
    }

    static func decode(_ row: SQLiteRow) -> Change? {
        guard let sequence = row.column("seq")?.integer,
            let kind = row.column("kind")?.string.flatMap(Change.Kind.init(rawValue:)),
            let level = row.column("level")?.string.flatMap(QueryLevel.init(rawValue:)),
            let uid = row.column("uid")?.string
        else { return nil }
        let resource: ResourceSelector
        switch level {
        case .patient: resource = .patient(PatientIdentity(patientID: uid, issuer: row.column("issuer")?.string ?? ""))
        case .study: resource = .study(uid)
        case .series: resource = .series(uid)
        case .image: resource = .instance(uid)
        }
        let patient = row.column("patient_id")?.string.map {
            PatientIdentity(patientID: $0, issuer: row.column("patient_issuer")?.string ?? "")
        }
        let path = ResourcePath(
            resource, patient: patient, studyInstanceUID: row.column("study_uid")?.string,
            seriesInstanceUID: row.column("series_uid")?.string)
        return Change(
            sequence: Int64(sequence), kind: kind, resource: resource, path: path,
            time: row.column("at")?.double ?? 0)
    }
}
