public import Archive
import DICOM
import Logging
import PostgresNIO

extension PostgresIndexStore {
    public func instance(sopInstanceUID: String) async throws -> StoredInstance? {
        let logger = self.logger
        return try await reading { client in
            let rows = try await client.query(
                """
                SELECT \(unescaped: PostgresStoredInstance.columns) FROM \(unescaped: PostgresQuerySQL.from(.image))
                WHERE i.sopinstanceuid = \(PostgresColumns.storable(sopInstanceUID))
                """, logger: logger)
            return try await rows.collect().first.map { try PostgresStoredInstance.decode($0).instance }
        }
    }

    public func metadata(sopInstanceUID: String) async throws -> InstanceMetadata? {
        let logger = self.logger
        return try await reading { client in
            let rows = try await client.query(
                """
                SELECT m.encoding, m.bytes FROM instance_metadata m JOIN instances i ON i.pk = m.instance_pk
                WHERE i.sopinstanceuid = \(PostgresColumns.storable(sopInstanceUID))
                """, logger: logger)
            guard let (code, bytes) = try await rows.collect().first?.decode((Int, ByteBuffer).self) else { return nil }
            guard let encoding = InstanceMetadata.Encoding(rawValue: code) else {
                throw IndexStoreError.corrupt("metadata of \(sopInstanceUID) has an unknown encoding")
            }
            return InstanceMetadata(encoding: encoding, bytes: bytes)
        }
    }

    public func referencedBlobs(among keys: [BlobKey]) async throws -> Set<BlobKey> {
        guard !keys.isEmpty else { return [] }
        let logger = self.logger
        let texts = keys.map(\.rawValue)
        return try await reading { client in
            let rows = try await client.query(
                "SELECT blob_key FROM instances WHERE blob_key = ANY(\(texts))", logger: logger)
            var found: Set<BlobKey> = []
            for try await text in rows.decode(String.self) {
                if let key = BlobKey(text) { found.insert(key) }
            }
            return found
        }
    }

    public func changes(after sequence: Int64, limit: Int) async throws -> [Change] {
        let logger = self.logger
        return try await reading { client in
            let rows = try await client.query(
                """
                SELECT seq, kind, level, uid, issuer, patient_id, patient_issuer, study_uid, series_uid,
                    extract(epoch FROM at)::float8
                FROM changes WHERE seq > \(Int(sequence)) ORDER BY seq LIMIT \(max(0, limit))
                """, logger: logger)
            var changes: [Change] = []
            for try await row in rows.decode(PostgresChangeLog.Row.self) {
                if let change = PostgresChangeLog.decode(row) { changes.append(change) }
            }
            return changes
        }
    }

    public func latestChangeSequence() async throws -> Int64 {
        let logger = self.logger
        return try await reading { client in
            let rows = try await client.query("SELECT coalesce(max(seq), 0)::bigint FROM changes", logger: logger)
            var last: Int64 = 0
            for try await value in rows.decode(Int64.self) { last = value }
            return last
        }
    }

    /// Instances and bytes are summed from the patients' counters: `count(*)` over ten
    /// million instance rows would read them all.
    public func statistics() async throws -> IndexStatistics {
        let logger = self.logger
        return try await reading { client in
            let rows = try await client.query(
                """
                SELECT (SELECT count(*) FROM patients), (SELECT count(*) FROM studies), (SELECT count(*) FROM series),
                    (SELECT coalesce(sum(instance_count), 0)::bigint FROM patients),
                    (SELECT coalesce(sum(size), 0)::bigint FROM patients)
                """, logger: logger)
            guard let row = try await rows.collect().first else {
                return IndexStatistics(patients: 0, studies: 0, series: 0, instances: 0, size: 0)
            }
            let (patients, studies, series, instances, size) = try row.decode((Int, Int, Int, Int, Int).self)
            return IndexStatistics(
                patients: patients, studies: studies, series: series, instances: instances, size: size)
        }
    }

    public func delete(_ resource: ResourceSelector) async throws -> [BlobKey] {
        let logger = self.logger
        return try await transaction("delete") { connection in
            .commit(try await PostgresDeleter(connection: connection, logger: logger).delete(resource))
        }
    }
}

/// Deletes an entity, what is below it, and what above it is left empty, in one
/// transaction; the triggers keep the counts.
///
/// Locks are taken in the order registrations take them: the change log's lock, then the
/// rows of the counts (registrations update those as they commit, under that lock). So the
/// instances go first with the counts deferred, then the lock is taken and the counts are
/// applied, and only the end of a delete holds up ingest.
struct PostgresDeleter {
    let connection: PostgresConnection
    let logger: Logger

    func delete(_ resource: ResourceSelector) async throws -> [BlobKey] {
        try await connection.query(PostgresQuery(unsafeSQL: PostgresSchema.deferCounters), logger: logger)
        var binds = PostgresBindings()
        let filter: String
        switch resource {
        case .patient(let identity):
            binds.append(identity.patientID)
            binds.append(identity.issuer)
            filter = "p.patientid = $1 AND p.issuerofpatientid = $2"
        case .study(let uid):
            binds.append(uid)
            filter = "st.studyinstanceuid = $1"
        case .series(let uid):
            binds.append(uid)
            filter = "se.seriesinstanceuid = $1"
        case .instance(let uid):
            binds.append(uid)
            filter = "i.sopinstanceuid = $1"
        }
        // The instances go in one statement, which locks them; their parents come back with them.
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    WITH doomed AS (
                        SELECT i.pk, se.pk AS series_pk, se.seriesinstanceuid, st.pk AS study_pk,
                            st.studyinstanceuid, p.pk AS patient_pk, p.patientid, p.issuerofpatientid
                        FROM \(PostgresQuerySQL.from(.image)) WHERE \(filter) ORDER BY i.pk
                    ), removed AS (
                        DELETE FROM instances x USING doomed d WHERE x.pk = d.pk
                        RETURNING x.pk, x.blob_key, x.sopinstanceuid
                    )
                    SELECT r.blob_key, r.sopinstanceuid, d.series_pk, d.seriesinstanceuid, d.study_pk,
                        d.studyinstanceuid, d.patient_pk, d.patientid, d.issuerofpatientid
                    FROM removed r JOIN doomed d ON d.pk = r.pk ORDER BY r.pk
                    """, binds: binds), logger: logger)
        var keys: [BlobKey] = []
        var changes: [(Change.Kind, ResourcePath)] = []
        var series: [Int: ResourcePath] = [:]
        var studies: [Int: ResourcePath] = [:]
        var patients: [Int: ResourcePath] = [:]
        for try await (key, sop, seriesPK, seriesUID, studyPK, studyUID, patientPK, patientID, issuer) in rows.decode(
            (String, String, Int, String, Int, String, Int, String, String).self)
        {
            if let key = BlobKey(key) { keys.append(key) }
            let patient = PatientIdentity(patientID: patientID, issuer: issuer)
            changes.append((.deleted, .instance(sop, series: seriesUID, study: studyUID, patient: patient)))
            series[seriesPK] = .series(seriesUID, study: studyUID, patient: patient)
            studies[studyPK] = .study(studyUID, of: patient)
            patients[patientPK] = .patient(patient)
        }
        try await PostgresChangeLog.lock(on: connection, logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: PostgresSchema.applyCounters), logger: logger)
        for (pk, path) in series.sorted(by: { $0.key < $1.key }) where try await removeIfEmpty(.series, pk: pk) {
            changes.append((.deleted, path))
        }
        for (pk, path) in studies.sorted(by: { $0.key < $1.key }) where try await removeIfEmpty(.study, pk: pk) {
            changes.append((.deleted, path))
        }
        for (pk, path) in patients.sorted(by: { $0.key < $1.key }) where try await removeIfEmpty(.patient, pk: pk) {
            changes.append((.deleted, path))
        }
        try await PostgresChangeLog.append(changes, on: connection, logger: logger)
        return keys
    }

    /// Removes a series, study or patient row that has no instances and no children left. A
    /// row a registration is adding to (its foreign key check holds a share lock on it) is
    /// skipped, not waited for: it will not be empty, and waiting for it here, under the change
    /// log's lock, which that registration needs to commit, would be a deadlock.
    private func removeIfEmpty(_ level: QueryLevel, pk: Int) async throws -> Bool {
        let table = PostgresColumns.table(level)
        let childLevel: QueryLevel =
            switch level {
            case .patient: .study
            case .study: .series
            case .series, .image: .image
            }
        let child = PostgresColumns.table(childLevel)
        let foreignKey = PostgresColumns.foreignKey(to: level)
        var binds = PostgresBindings()
        binds.append(pk)
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    DELETE FROM \(table) WHERE pk IN (
                        SELECT pk FROM \(table) t WHERE pk = $1 AND instance_count = 0
                        AND NOT EXISTS (SELECT 1 FROM \(child) c WHERE c.\(foreignKey) = t.pk)
                        FOR UPDATE SKIP LOCKED)
                    RETURNING pk
                    """, binds: binds), logger: logger)
        return try await !rows.collect().isEmpty
    }
}
