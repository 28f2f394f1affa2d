public import Archive
import DICOM

extension SQLiteIndexStore {
    public func register(_ registrations: [InstanceRegistration]) async throws -> [RegistrationOutcome] {
        // Submitted side by side so that the writer commits them in as few transactions as
        // it can; each is still its own all-or-nothing unit.
        try await withThrowingTaskGroup(of: (Int, RegistrationOutcome).self) { group in
            for (position, registration) in registrations.enumerated() {
                group.addTask {
                    let outcome = try await self.writer.perform { session in
                        try Registrar(session: session).register(registration)
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

/// The statements of one registration, run inside the writer's transaction. Everything
/// that could refuse the instance is checked before anything is written.
struct Registrar {
    let session: SQLiteSession

    func register(_ registration: InstanceRegistration) throws -> RegistrationOutcome {
        // One statement finds whatever of the instance, its study (with the patient) and its
        // series is indexed already.
        let known = try session.rows(
            """
            SELECT i.pk AS instance_pk, st.pk AS study_pk, st.patient_pk, p.PatientID, p.IssuerOfPatientID,
                se.pk AS series_pk, sst.StudyInstanceUID AS series_study
            FROM (SELECT 1)
            LEFT JOIN instances i ON i.SOPInstanceUID = ?
            LEFT JOIN studies st ON st.StudyInstanceUID = ?
            LEFT JOIN patients p ON p.pk = st.patient_pk
            LEFT JOIN series se ON se.SeriesInstanceUID = ?
            LEFT JOIN studies sst ON sst.pk = se.study_pk
            """,
            [
                .text(registration.sopInstanceUID), .text(registration.studyInstanceUID),
                .text(registration.seriesInstanceUID),
            ]
        ).first
        if known?.column("instance_pk")?.integer != nil,
            let existing = try existingInstance(registration.sopInstanceUID)
        {
            return try duplicate(registration, existing: existing)
        }
        var changes: [(Change.Kind, ResourcePath)] = []
        let knownStudyPK = known?.column("study_pk")?.integer
        if knownStudyPK != nil {
            let indexed = PatientIdentity(
                patientID: known?.column("PatientID")?.string ?? "",
                issuer: known?.column("IssuerOfPatientID")?.string ?? "")
            guard indexed == registration.patient else {
                return .refused(
                    .studyBelongsToAnotherPatient(
                        study: registration.studyInstanceUID, indexed: indexed, received: registration.patient))
            }
        }
        let knownSeriesPK = known?.column("series_pk")?.integer
        if knownSeriesPK != nil, let indexedStudy = known?.column("series_study")?.string,
            indexedStudy != registration.studyInstanceUID
        {
            return .refused(
                .seriesBelongsToAnotherStudy(
                    series: registration.seriesInstanceUID, indexedStudy: indexedStudy,
                    receivedStudy: registration.studyInstanceUID))
        }

        let patientPK: Int
        if knownStudyPK != nil, let known = known?.column("patient_pk")?.integer {
            patientPK = known
        } else if let existing = try session.rows(
            "SELECT pk FROM patients WHERE PatientID = ? AND IssuerOfPatientID = ?",
            [.text(registration.patient.patientID), .text(registration.patient.issuer)]
        ).first?.column("pk")?.integer {
            patientPK = existing
        } else {
            patientPK = try insert(.patient, registration, parent: nil)
            changes.append((.created, registration.path(at: .patient)))
        }
        let studyPK: Int
        if let knownStudyPK {
            studyPK = knownStudyPK
        } else {
            studyPK = try insert(.study, registration, parent: ("patient_pk", patientPK))
            changes.append((.created, registration.path(at: .study)))
        }
        let seriesPK: Int
        if let knownSeriesPK {
            seriesPK = knownSeriesPK
        } else {
            seriesPK = try insert(.series, registration, parent: ("study_pk", studyPK))
            changes.append((.created, registration.path(at: .series)))
        }
        let instancePK = try insert(.image, registration, parent: ("series_pk", seriesPK))
        try writeMetadata(registration.metadata, instancePK: instancePK, replacing: false)
        if !registration.extraValues.isEmpty {
            // Entities created now take the values of their first instance, as the columns do.
            var created: [QueryLevel: Int] = [.image: instancePK]
            if knownSeriesPK == nil { created[.series] = seriesPK }
            if knownStudyPK == nil { created[.study] = studyPK }
            if changes.contains(where: { $0.0 == .created && $0.1.level == .patient }) { created[.patient] = patientPK }
            try ExtraValues.insert(registration, entities: created, on: session)
        }
        changes.append((.created, registration.path(at: .image)))
        try ChangeLog.append(changes, on: session)
        return .registered(registration.storedInstance)
    }

    /// The instance row for a SOP Instance UID already indexed.
    private func existingInstance(_ sopInstanceUID: String) throws -> (pk: Int, instance: StoredInstance)? {
        guard
            let row = try session.rows(
                """
                SELECT \(StoredInstanceRow.columns)
                FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk
                WHERE i.SOPInstanceUID = ?
                """, [.text(sopInstanceUID)]
            ).first
        else { return nil }
        guard let pk = row.column("pk")?.integer else {
            throw SQLiteIndexError.internalInconsistency("instance row without pk")
        }
        return (pk, try StoredInstanceRow.decode(row))
    }

    private func duplicate(
        _ registration: InstanceRegistration, existing: (pk: Int, instance: StoredInstance)
    ) throws -> RegistrationOutcome {
        switch registration.policy {
        case .keep:
            return .duplicateKept(existing: existing.instance)
        case .overwrite:
            guard existing.instance.seriesInstanceUID == registration.seriesInstanceUID,
                existing.instance.studyInstanceUID == registration.studyInstanceUID
            else {
                return .refused(
                    .instanceBelongsToAnotherSeries(
                        instance: registration.sopInstanceUID, indexedSeries: existing.instance.seriesInstanceUID,
                        receivedSeries: registration.seriesInstanceUID))
            }
            var columns = Columns.values(at: .image, of: registration)
            columns.append(("blob_key", .text(registration.blobKey.rawValue)))
            columns.append(("size", .integer(registration.size)))
            let assignments = columns.map { "\($0.0) = ?" }.joined(separator: ", ")
            try session.execute(
                "UPDATE instances SET \(assignments) WHERE pk = ?", columns.map(\.1) + [.integer(existing.pk)])
            try writeMetadata(registration.metadata, instancePK: existing.pk, replacing: true)
            try ExtraValues.replace(registration, instancePK: existing.pk, on: session)
            try ChangeLog.append([(.updated, registration.path(at: .image))], on: session)
            return .overwritten(registration.storedInstance, previousBlob: existing.instance.blobKey)
        }
    }

    /// Inserts one level's row and returns its primary key.
    private func insert(
        _ level: QueryLevel, _ registration: InstanceRegistration, parent: (column: String, pk: Int)?
    ) throws -> Int {
        var columns = Columns.values(at: level, of: registration)
        if let parent { columns.insert((parent.column, .integer(parent.pk)), at: 0) }
        columns.append(("resource_id", .text(registration.resourceID(at: level).description)))
        if level == .image {
            columns.append(("blob_key", .text(registration.blobKey.rawValue)))
            columns.append(("size", .integer(registration.size)))
        }
        var names = columns.map(\.0)
        var values = Array(repeating: "?", count: columns.count)
        if level == .image {
            names.append("stored_at")
            values.append(Schema.now)
        }
        let rows = try session.rows(
            """
            INSERT INTO \(Columns.table(level)) (\(names.joined(separator: ", ")))
            VALUES (\(values.joined(separator: ", "))) RETURNING pk
            """, columns.map(\.1))
        guard let pk = rows.first?.column("pk")?.integer else {
            throw SQLiteIndexError.internalInconsistency("INSERT INTO \(Columns.table(level)) returned no pk")
        }
        return pk
    }

    private func writeMetadata(_ metadata: InstanceMetadata, instancePK: Int, replacing: Bool) throws {
        let verb = replacing ? "INSERT OR REPLACE" : "INSERT"
        try session.execute(
            "\(verb) INTO instance_metadata (instance_pk, encoding, bytes) VALUES (?, ?, ?)",
            [.integer(instancePK), .integer(metadata.encoding.rawValue), .blob(metadata.bytes)])
    }
}
