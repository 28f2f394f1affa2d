public import Archive
import DICOM

extension SQLiteIndexStore {
    public func instance(sopInstanceUID: String) async throws -> StoredInstance? {
        let rows = try await reader.rows(
            """
            SELECT \(StoredInstanceRow.columns) FROM \(QuerySQL.from(.image)) WHERE i.SOPInstanceUID = ?
            """, [.text(sopInstanceUID)])
        return try rows.first.map(StoredInstanceRow.decode)
    }

    public func metadata(sopInstanceUID: String) async throws -> InstanceMetadata? {
        let rows = try await reader.rows(
            """
            SELECT m.encoding, m.bytes FROM instance_metadata m JOIN instances i ON i.pk = m.instance_pk
            WHERE i.SOPInstanceUID = ?
            """, [.text(sopInstanceUID)])
        guard let row = rows.first else { return nil }
        guard let code = row.column("encoding")?.integer, let encoding = InstanceMetadata.Encoding(rawValue: code),
            let bytes = row.column("bytes")?.blob
        else { throw IndexStoreError.corrupt("metadata of \(sopInstanceUID) has an unknown encoding") }
        return InstanceMetadata(encoding: encoding, bytes: bytes)
    }

    public func referencedBlobs(among keys: [BlobKey]) async throws -> Set<BlobKey> {
        guard !keys.isEmpty else { return [] }
        let rows = try await reader.rows(
            "SELECT blob_key FROM instances WHERE blob_key IN (SELECT value FROM json_each(?))",
            [.text(QuerySQL.jsonArray(keys.map(\.rawValue)))])
        return Set(rows.compactMap { $0.column("blob_key")?.string.flatMap(BlobKey.init) })
    }

    public func changes(after sequence: Int64, limit: Int) async throws -> [Change] {
        let rows = try await reader.rows(
            "SELECT \(ChangeLog.columns) FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
            [.integer(Int(sequence)), .integer(max(0, limit))])
        return rows.compactMap(ChangeLog.decode)
    }

    public func latestChangeSequence() async throws -> Int64 {
        let rows = try await reader.rows("SELECT coalesce(max(seq), 0) AS last FROM changes", [])
        return Int64(rows.first?.column("last")?.integer ?? 0)
    }

    public func statistics() async throws -> IndexStatistics {
        let rows = try await reader.rows(
            """
            SELECT (SELECT count(*) FROM patients) AS patients, (SELECT count(*) FROM studies) AS studies,
                (SELECT count(*) FROM series) AS series, (SELECT count(*) FROM instances) AS instances,
                (SELECT coalesce(sum(size), 0) FROM instances) AS size
            """, [])
        let row = rows.first
        func value(_ name: String) -> Int { row?.column(name)?.integer ?? 0 }
        return IndexStatistics(
            patients: value("patients"), studies: value("studies"), series: value("series"),
            instances: value("instances"), size: value("size"))
    }

    public func delete(_ resource: ResourceSelector) async throws -> [BlobKey] {
        try await writer.perform { session in
            try Deleter(session: session).delete(resource)
        }
    }
}

/// Deletes an entity, what is below it, and what above it is left empty, in the writer's
/// transaction; the triggers keep the counts.
struct Deleter {
    let session: SQLiteSession

    func delete(_ resource: ResourceSelector) throws -> [BlobKey] {
        let (filter, binds) = Self.filter(for: resource)
        // The instances to remove, with their parents, before anything goes.
        let rows = try session.rows(
            """
            SELECT i.pk AS instance_pk, i.blob_key, i.SOPInstanceUID, se.pk AS series_pk, se.SeriesInstanceUID,
                st.pk AS study_pk, st.StudyInstanceUID, p.pk AS patient_pk, p.PatientID, p.IssuerOfPatientID
            FROM \(QuerySQL.from(.image)) WHERE \(filter)
            """, binds)
        var keys: [BlobKey] = []
        var changes: [(Change.Kind, ResourcePath)] = []
        var series: [Int: ResourcePath] = [:]
        var studies: [Int: ResourcePath] = [:]
        var patients: [Int: ResourcePath] = [:]
        for row in rows {
            guard let pk = row.column("instance_pk")?.integer else { continue }
            try session.execute("DELETE FROM instance_metadata WHERE instance_pk = ?", [.integer(pk)])
            try session.execute("DELETE FROM instances WHERE pk = ?", [.integer(pk)])
            if let key = row.column("blob_key")?.string.flatMap(BlobKey.init) { keys.append(key) }
            let patient = PatientIdentity(
                patientID: row.column("PatientID")?.string ?? "", issuer: row.column("IssuerOfPatientID")?.string ?? "")
            let studyUID = row.column("StudyInstanceUID")?.string ?? ""
            let seriesUID = row.column("SeriesInstanceUID")?.string ?? ""
            if let uid = row.column("SOPInstanceUID")?.string {
                changes.append((.deleted, .instance(uid, series: seriesUID, study: studyUID, patient: patient)))
            }
            if let seriesPK = row.column("series_pk")?.integer {
                series[seriesPK] = .series(seriesUID, study: studyUID, patient: patient)
            }
            if let studyPK = row.column("study_pk")?.integer { studies[studyPK] = .study(studyUID, of: patient) }
            if let patientPK = row.column("patient_pk")?.integer { patients[patientPK] = .patient(patient) }
        }
        for (pk, path) in series.sorted(by: { $0.key < $1.key }) where try removeIfEmpty("series", pk: pk) {
            changes.append((.deleted, path))
        }
        for (pk, path) in studies.sorted(by: { $0.key < $1.key }) where try removeIfEmpty("studies", pk: pk) {
            changes.append((.deleted, path))
        }
        for (pk, path) in patients.sorted(by: { $0.key < $1.key }) where try removeIfEmpty("patients", pk: pk) {
            changes.append((.deleted, path))
        }
        try ChangeLog.append(changes, on: session)
        return keys
    }

    /// Removes a series, study or patient row that has no instances left.
    private func removeIfEmpty(_ table: String, pk: Int) throws -> Bool {
        let rows = try session.rows(
            "DELETE FROM \(table) WHERE pk = ? AND instance_count = 0 RETURNING pk", [.integer(pk)])
        return !rows.isEmpty
    }

    private static func filter(for resource: ResourceSelector) -> (String, [SQLiteData]) {
        switch resource {
        case .patient(let identity):
            ("p.PatientID = ? AND p.IssuerOfPatientID = ?", [.text(identity.patientID), .text(identity.issuer)])
        case .study(let uid): ("st.StudyInstanceUID = ?", [.text(uid)])
        case .series(let uid): ("se.SeriesInstanceUID = ?", [.text(uid)])
        case .instance(let uid): ("i.SOPInstanceUID = ?", [.text(uid)])
        }
    }
}
