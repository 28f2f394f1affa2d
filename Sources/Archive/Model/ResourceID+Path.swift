extension ResourceID {
    /// The id of the entity at `level` on a path of unique keys; nil when a key it needs is
    /// missing.
    public static func path(
        level: QueryLevel, patient: PatientIdentity, studyInstanceUID: String?, seriesInstanceUID: String?,
        sopInstanceUID: String?
    ) -> ResourceID? {
        switch level {
        case .patient:
            return .patient(patient)
        case .study:
            guard let studyInstanceUID else { return nil }
            return .study(patient: patient, studyInstanceUID: studyInstanceUID)
        case .series:
            guard let studyInstanceUID, let seriesInstanceUID else { return nil }
            return .series(patient: patient, studyInstanceUID: studyInstanceUID, seriesInstanceUID: seriesInstanceUID)
        case .image:
            guard let studyInstanceUID, let seriesInstanceUID, let sopInstanceUID else { return nil }
            return .instance(
                patient: patient, studyInstanceUID: studyInstanceUID, seriesInstanceUID: seriesInstanceUID,
                sopInstanceUID: sopInstanceUID)
        }
    }
}

extension InstanceRegistration {
    /// The ids of the rows a registration creates: the indexes store them so that a REST
    /// request finds its entity by id.
    public func resourceID(at level: QueryLevel) -> ResourceID {
        switch level {
        case .patient: .patient(patient)
        case .study: .study(patient: patient, studyInstanceUID: studyInstanceUID)
        case .series:
            .series(patient: patient, studyInstanceUID: studyInstanceUID, seriesInstanceUID: seriesInstanceUID)
        case .image:
            .instance(
                patient: patient, studyInstanceUID: studyInstanceUID, seriesInstanceUID: seriesInstanceUID,
                sopInstanceUID: sopInstanceUID)
        }
    }
}
