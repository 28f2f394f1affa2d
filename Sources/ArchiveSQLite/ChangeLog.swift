import Archive
import SQLiteNIO

/// Rows of the `changes` table: written with the rows they describe, read by sequence.
enum ChangeLog {
    static func append(_ changes: [(Change.Kind, ResourceSelector)], on connection: SQLiteConnection) async throws {
        guard !changes.isEmpty else { return }
        var binds: [SQLiteData] = []
        for (kind, resource) in changes {
            let (uid, issuer) = identifiers(of: resource)
            binds += [
                .text(kind.rawValue), .text(resource.level.rawValue), .text(uid), issuer.map { .text($0) } ?? .null,
            ]
        }
        let rows = Array(repeating: "(?, ?, ?, ?)", count: changes.count).joined(separator: ", ")
        _ = try await connection.rows("INSERT INTO changes (kind, level, uid, issuer) VALUES \(rows)", binds)
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
        return Change(sequence: Int64(sequence), kind: kind, resource: resource)
    }
}
