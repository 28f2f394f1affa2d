import Archive
import Logging
import PostgresNIO

/// Rows of the `changes` table: written with the rows they describe, read by sequence. Each
/// row keeps the resource's whole path (patient, study, series), so that its REST id can be
/// computed after the resource is deleted.
///
/// Sequence numbers must follow commit order, or a feed reader that saw 8 would skip a 7
/// committed after it. Appending takes a transaction-level advisory lock, released by the
/// commit: the tail of writing transactions (changes, then commit) runs one at a time
/// across every replica, so a sequence number is taken only once all lower ones are
/// committed or rolled back.
enum PostgresChangeLog {
    static let lockKey: Int64 = 0x6170_7563  // "apuc"

    static func append(
        _ changes: [(Change.Kind, ResourcePath)], on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !changes.isEmpty else { return }
        var binds = PostgresBindings()
        var rows: [String] = []
        for (kind, path) in changes {
            let resource = path.selector
            let (uid, issuer) = identifiers(of: resource)
            binds.append(kind.rawValue)
            binds.append(resource.level.rawValue)
            binds.append(PostgresColumns.storable(uid))
            binds.append(issuer.map(PostgresColumns.storable))
            binds.append(PostgresColumns.storable(path.patient.patientID))
            binds.append(PostgresColumns.storable(path.patient.issuer))
            binds.append(path.studyInstanceUID.map(PostgresColumns.storable))
            binds.append(path.seriesInstanceUID.map(PostgresColumns.storable))
            let base = binds.count - 8
            rows.append("(" + (1...8).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
        }
        if changes.count == 1 {
            binds.append(lockKey)
            _ = try await connection.run(AppendChangeStatement(bindings: binds), logger: logger)
            return
        }
        try await lock(on: connection, logger: logger)
        try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO changes (kind, level, uid, issuer, patient_id, patient_issuer, study_uid, series_uid)
                    VALUES \(rows.joined(separator: ", "))
                    """,
                binds: binds), logger: logger)
    }

    /// Takes the lock `append` takes, until the transaction ends (again is a no-op). A writer
    /// whose triggers update counts immediately takes it before them: registrations take it
    /// before theirs, deferred to the commit.
    static func lock(on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.run(LockChangesStatement(key: lockKey), logger: logger)
    }

    static func identifiers(of resource: ResourceSelector) -> (uid: String, issuer: String?) {
        switch resource {
        case .patient(let identity): (identity.patientID, identity.issuer)
        case .study(let uid), .series(let uid), .instance(let uid): (uid, nil)
        }
    }

    /// seq, kind, level, uid, issuer, patient_id, patient_issuer, study_uid, series_uid, and
    /// `at` in seconds since 1970.
    typealias Row = (Int, String, String, String, String?, String?, String?, String?, String?, Double)

    static func decode(_ row: Row) -> Change? {
        let (sequence, kind, level, uid, issuer, patientID, patientIssuer, studyUID, seriesUID, time) = row
        guard let kind = Change.Kind(rawValue: kind), let level = QueryLevel(rawValue: level) else { return nil }
        let resource: ResourceSelector
        switch level {
        case .patient: resource = .patient(PatientIdentity(patientID: uid, issuer: issuer ?? ""))
        case .study: resource = .study(uid)
        case .series: resource = .series(uid)
        case .image: resource = .instance(uid)
        }
        let path = ResourcePath(
            resource, patient: patientID.map { PatientIdentity(patientID: $0, issuer: patientIssuer ?? "") },
            studyInstanceUID: studyUID, seriesInstanceUID: seriesUID)
        return Change(sequence: Int64(sequence), kind: kind, resource: resource, path: path, time: time)
    }
}
