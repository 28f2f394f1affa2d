import Archive
import Logging
import PostgresNIO

/// Rows of the `changes` table: written with the rows they describe, read by sequence.
///
/// Sequence numbers must follow commit order, or a feed reader that saw 8 would skip a 7
/// committed after it. Appending takes a transaction-level advisory lock, released by the
/// commit: the tail of writing transactions (changes, then commit) runs one at a time
/// across every replica, so a sequence number is taken only once all lower ones are
/// committed or rolled back.
enum PostgresChangeLog {
    static let lockKey: Int64 = 0x6170_7563  // "apuc"

    static func append(
        _ changes: [(Change.Kind, ResourceSelector)], on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !changes.isEmpty else { return }
        try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
        var binds = PostgresBindings()
        var rows: [String] = []
        for (kind, resource) in changes {
            let (uid, issuer) = identifiers(of: resource)
            binds.append(kind.rawValue)
            binds.append(resource.level.rawValue)
            binds.append(PostgresColumns.storable(uid))
            binds.append(issuer.map(PostgresColumns.storable))
            let base = binds.count - 4
            rows.append("($\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4))")
        }
        try await connection.query(
            PostgresQuery(
                unsafeSQL: "INSERT INTO changes (kind, level, uid, issuer) VALUES \(rows.joined(separator: ", "))",
                binds: binds), logger: logger)
    }

    static func identifiers(of resource: ResourceSelector) -> (uid: String, issuer: String?) {
        switch resource {
        case .patient(let identity): (identity.patientID, identity.issuer)
        case .study(let uid), .series(let uid), .instance(let uid): (uid, nil)
        }
    }

    static func decode(sequence: Int, kind: String, level: String, uid: String, issuer: String?) -> Change? {
        guard let kind = Change.Kind(rawValue: kind), let level = QueryLevel(rawValue: level) else { return nil }
        let resource: ResourceSelector
        switch level {
        case .patient: resource = .patient(PatientIdentity(patientID: uid, issuer: issuer ?? ""))
        case .study: resource = .study(uid)
        case .series: resource = .series(uid)
        case .image: resource = .instance(uid)
        }
        return Change(sequence: Int64(sequence), kind: kind, resource: resource)
    }
}
