public import Archive
import DICOM
import Logging
import PostgresNIO

extension PostgresIndexStore {
    public func register(_ registrations: [InstanceRegistration]) async throws -> [RegistrationOutcome] {
        // One transaction each, side by side on the pool's connections: PostgreSQL commits
        // concurrent transactions with shared WAL flushes, and one failing undoes no other.
        let logger = self.logger
        return try await withThrowingTaskGroup(of: (Int, RegistrationOutcome).self) { group in
            for (position, registration) in registrations.enumerated() {
                group.addTask {
                    let outcome = try await self.transaction("register") { connection in
                        try await PostgresRegistrar(connection: connection, logger: logger).register(registration)
                    }
                    return (position, outcome)
                }
            }
            var outcomes: [RegistrationOutcome?] = Array(repeating: nil, count: registrations.count)
            for try await (position, outcome) in group { outcomes[position] = outcome }
            return try outcomes.map { outcome in
                guard let outcome else { throw IndexStoreError.missingOutcome }
                return outcome
            }
        }
    }
}

/// The statements of one registration, in one READ COMMITTED transaction. Rows a concurrent
/// registration may be creating at the same moment (patient, study, series) are inserted
/// with `ON CONFLICT DO NOTHING`, which waits for the other transaction and then finds its
/// row: two replicas storing the first instances of one study make one study row.
struct PostgresRegistrar {
    let connection: PostgresConnection
    let logger: Logger

    func register(_ registration: InstanceRegistration) async throws -> Transaction<RegistrationOutcome> {
        // The counts of the series, study and patient are updated as the transaction commits,
        // so that their rows are locked only then (see `PostgresSchema.deferrableCounters`).
        try await connection.query(PostgresQuery(unsafeSQL: PostgresSchema.deferCounters), logger: logger)
        // One statement finds whatever of the instance, its study (with the patient) and its
        // series is indexed already: each statement is a round trip to the server.
        let known = try await knownRows(registration)
        if known.instance, let existing = try await existingInstance(registration.sopInstanceUID) {
            return try await duplicate(registration, existing: existing)
        }
        var changes: [(Change.Kind, ResourcePath)] = []
        // What could refuse the instance is checked before anything is written, as far as
        // committed rows tell; rows created concurrently are checked again below.
        let study = known.study
        if let study, study.patient != registration.patient {
            return .rollback(
                .refused(
                    .studyBelongsToAnotherPatient(
                        study: registration.studyInstanceUID, indexed: study.patient, received: registration.patient)))
        }
        if let indexedStudy = known.seriesStudy, indexedStudy != registration.studyInstanceUID {
            return .rollback(
                .refused(
                    .seriesBelongsToAnotherStudy(
                        series: registration.seriesInstanceUID, indexedStudy: indexedStudy,
                        receivedStudy: registration.studyInstanceUID)))
        }

        let patientPK: Int
        if let known = study?.patientPK {
            patientPK = known
        } else {
            let patient = try await insertOrFind(.patient, registration, parent: nil)
            patientPK = patient.pk
            if patient.created { changes.append((.created, registration.path(at: .patient))) }
        }
        let studyPK: Int
        if let known = study?.pk {
            studyPK = known
        } else {
            let inserted = try await insertOrFind(.study, registration, parent: ("patient_pk", patientPK))
            studyPK = inserted.pk
            if inserted.created {
                changes.append((.created, registration.path(at: .study)))
            } else if let raced = try await studyRow(registration.studyInstanceUID),
                raced.patient != registration.patient
            {
                return .rollback(
                    .refused(
                        .studyBelongsToAnotherPatient(
                            study: registration.studyInstanceUID, indexed: raced.patient,
                            received: registration.patient)))
            }
        }
        let series: (pk: Int, created: Bool)
        if let known = known.seriesPK {
            series = (known, false)
        } else {
            series = try await insertOrFind(.series, registration, parent: ("study_pk", studyPK))
            if series.created {
                changes.append((.created, registration.path(at: .series)))
            } else if let refusal = try await seriesRefusal(registration) {
                return .rollback(.refused(refusal))
            }
        }
        guard let instancePK = try await insert(.image, registration, parent: ("series_pk", series.pk)) else {
            // The same SOP Instance UID committed meanwhile: run again as a duplicate.
            throw RetryableConflict()
        }
        if !registration.extraValues.isEmpty {
            // Entities created now take the values of their first instance, as the columns do.
            var created: [QueryLevel: Int] = [.image: instancePK]
            for (kind, resource) in changes where kind == .created {
                switch resource.level {
                case .patient: created[.patient] = patientPK
                case .study: created[.study] = studyPK
                case .series: created[.series] = series.pk
                case .image: break
                }
            }
            try await PostgresExtraValues.insert(
                PostgresExtraValues.rows(of: registration, entities: created), on: connection, logger: logger)
        }
        changes.append((.created, registration.path(at: .image)))
        try await PostgresChangeLog.append(changes, on: connection, logger: logger)
        return .commit(.registered(registration.storedInstance))
    }

    private struct StudyRow {
        let pk: Int
        let patientPK: Int
        let patient: PatientIdentity
    }

    /// What the index holds of a registration's entities, as committed rows tell.
    private struct KnownRows {
        /// Whether the SOP Instance UID is indexed.
        var instance: Bool
        var study: StudyRow?
        var seriesPK: Int?
        /// The study the series is indexed under.
        var seriesStudy: String?
    }

    private func knownRows(_ registration: InstanceRegistration) async throws -> KnownRows {
        let statement = KnownRowsStatement(
            sopInstanceUID: registration.sopInstanceUID, studyInstanceUID: registration.studyInstanceUID,
            seriesInstanceUID: registration.seriesInstanceUID)
        guard let row = try await connection.run(statement, logger: logger).first else {
            throw IndexStoreError.corrupt("the look-up of \(registration.sopInstanceUID) returned no row")
        }
        let (instance, study, patientPK, patientID, issuer, series, seriesStudy) = row
        var known = KnownRows(instance: instance != nil, seriesPK: series, seriesStudy: seriesStudy)
        if let study, let patientPK {
            known.study = StudyRow(
                pk: study, patientPK: patientPK,
                patient: PatientIdentity(patientID: patientID ?? "", issuer: issuer ?? ""))
        }
        return known
    }

    private func studyRow(_ uid: String) async throws -> StudyRow? {
        let rows = try await connection.query(
            """
            SELECT st.pk, st.patient_pk, p.patientid, p.issuerofpatientid FROM studies st
            JOIN patients p ON p.pk = st.patient_pk WHERE st.studyinstanceuid = \(uid)
            """, logger: logger)
        // Collected whole (one row at most): the connection is free again for the next statement.
        guard let row = try await rows.collect().first else { return nil }
        let (pk, patientPK, patientID, issuer) = try row.decode((Int, Int, String, String).self)
        return StudyRow(pk: pk, patientPK: patientPK, patient: PatientIdentity(patientID: patientID, issuer: issuer))
    }

    /// The refusal when the series is indexed under another study.
    private func seriesRefusal(_ registration: InstanceRegistration) async throws -> StoreRefusal? {
        let rows = try await connection.query(
            """
            SELECT st.studyinstanceuid FROM series se JOIN studies st ON st.pk = se.study_pk
            WHERE se.seriesinstanceuid = \(registration.seriesInstanceUID)
            """, logger: logger)
        guard let indexedStudy = try await rows.collect().first?.decode(String.self),
            indexedStudy != registration.studyInstanceUID
        else { return nil }
        return .seriesBelongsToAnotherStudy(
            series: registration.seriesInstanceUID, indexedStudy: indexedStudy,
            receivedStudy: registration.studyInstanceUID)
    }

    /// The instance row for a SOP Instance UID already indexed.
    private func existingInstance(_ sopInstanceUID: String) async throws -> (pk: Int, instance: StoredInstance)? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: PostgresStoredInstance.columns)
            FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk
            WHERE i.sopinstanceuid = \(sopInstanceUID)
            """, logger: logger)
        return try await rows.collect().first.map(PostgresStoredInstance.decode)
    }

    private func duplicate(
        _ registration: InstanceRegistration, existing: (pk: Int, instance: StoredInstance)
    ) async throws -> Transaction<RegistrationOutcome> {
        // Our own row: an earlier attempt committed, but the answer was lost with the connection.
        if existing.instance.blobKey == registration.blobKey {
            return .rollback(.registered(registration.storedInstance))
        }
        switch registration.policy {
        case .keep:
            return .rollback(.duplicateKept(existing: existing.instance))
        case .overwrite:
            guard existing.instance.seriesInstanceUID == registration.seriesInstanceUID,
                existing.instance.studyInstanceUID == registration.studyInstanceUID
            else {
                return .rollback(
                    .refused(
                        .instanceBelongsToAnotherSeries(
                            instance: registration.sopInstanceUID, indexedSeries: existing.instance.seriesInstanceUID,
                            receivedSeries: registration.seriesInstanceUID)))
            }
            var columns = PostgresColumns.values(at: .image, of: registration)
            columns.append(("blob_key", .text(registration.blobKey.rawValue)))
            columns.append(("size", .integer(registration.size)))
            var binds = PostgresBindings()
            var assignments: [String] = []
            for (name, value) in columns {
                value.append(to: &binds)
                assignments.append("\(name) = $\(binds.count)")
            }
            binds.append(existing.pk)
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "UPDATE instances SET \(assignments.joined(separator: ", ")) WHERE pk = $\(binds.count)",
                    binds: binds), logger: logger)
            try await writeMetadata(registration.metadata, instancePK: existing.pk)
            try await PostgresExtraValues.replace(registration, instancePK: existing.pk, on: connection, logger: logger)
            try await PostgresChangeLog.append(
                [(.updated, registration.path(at: .image))], on: connection, logger: logger)
            return .commit(.overwritten(registration.storedInstance, previousBlob: existing.instance.blobKey))
        }
    }

    /// The row of a patient, study or series: inserted, or the one a concurrent
    /// transaction committed (`ON CONFLICT` waits for it to finish).
    private func insertOrFind(
        _ level: QueryLevel, _ registration: InstanceRegistration, parent: (column: String, pk: Int)?
    ) async throws -> (pk: Int, created: Bool) {
        if let pk = try await insert(level, registration, parent: parent) { return (pk, true) }
        var binds = PostgresBindings()
        let condition: String
        switch level {
        case .patient:
            binds.append(registration.patient.patientID)
            binds.append(registration.patient.issuer)
            condition = "patientid = $1 AND issuerofpatientid = $2"
        case .study:
            binds.append(registration.studyInstanceUID)
            condition = "studyinstanceuid = $1"
        case .series, .image:
            binds.append(registration.seriesInstanceUID)
            condition = "seriesinstanceuid = $1"
        }
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT pk FROM \(PostgresColumns.table(level)) WHERE \(condition)", binds: binds),
            logger: logger)
        if let pk = try await rows.collect().first?.decode(Int.self) { return (pk, false) }
        // Deleted between the conflict and the look-up: start again.
        throw RetryableConflict()
    }

    /// Inserts one level's row; nil when its unique key exists already.
    private func insert(
        _ level: QueryLevel, _ registration: InstanceRegistration, parent: (column: String, pk: Int)?
    ) async throws -> Int? {
        var binds = PostgresBindings()
        if let parent { binds.append(parent.pk) }
        for (_, value) in PostgresColumns.values(at: level, of: registration) { value.append(to: &binds) }
        binds.append(registration.resourceID(at: level).description)
        if level == .image {
            binds.append(registration.blobKey.rawValue)
            binds.append(registration.size)
            binds.append(registration.metadata.encoding.rawValue)
            binds.append(registration.metadata.bytes)
            // The statement every instance runs, prepared once per connection.
            return try await connection.run(InsertInstanceStatement(bindings: binds), logger: logger).first
        }
        let sql = Self.insertSQL(level, parent: parent?.column)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        if let pk = try await rows.collect().first?.decode(Int.self) { return pk }
        return nil
    }

    /// The INSERT of one level's row, binds in this order: the parent's key (when `parent`
    /// names its column), `PostgresColumns.registeredColumns`, resource_id; for an instance
    /// then blob_key, size, and its metadata's encoding and bytes, inserted in the same
    /// statement (a round trip less; nothing when the instance row was not inserted).
    static func insertSQL(_ level: QueryLevel, parent: String?) -> String {
        var names = PostgresColumns.registeredColumns(at: level).map(\.name)
        if let parent { names.insert(parent, at: 0) }
        names.append("resource_id")
        if level == .image { names += ["blob_key", "size"] }
        let placeholders = (1...names.count).map { "$\($0)" }.joined(separator: ", ")
        let sql = """
            INSERT INTO \(PostgresColumns.table(level)) (\(names.joined(separator: ", "))) VALUES (\(placeholders))
            ON CONFLICT DO NOTHING RETURNING pk
            """
        guard level == .image else { return sql }
        return """
            WITH inserted AS (\(sql)), metadata AS (
                INSERT INTO instance_metadata (instance_pk, encoding, bytes)
                SELECT pk, $\(names.count + 1), $\(names.count + 2) FROM inserted)
            SELECT pk FROM inserted
            """
    }

    private func writeMetadata(_ metadata: InstanceMetadata, instancePK: Int) async throws {
        try await connection.query(
            """
            INSERT INTO instance_metadata (instance_pk, encoding, bytes)
            VALUES (\(instancePK), \(metadata.encoding.rawValue), \(metadata.bytes))
            ON CONFLICT (instance_pk) DO UPDATE SET encoding = excluded.encoding, bytes = excluded.bytes
            """, logger: logger)
    }
}
