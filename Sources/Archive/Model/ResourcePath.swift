/// A patient, study, series or instance with the entities above it: what its `ResourceID`
/// hashes, so that a change still names its resource after the rows are deleted.
public struct ResourcePath: Sendable, Hashable {
    public var patient: PatientIdentity
    /// Nil for a patient.
    public var studyInstanceUID: String?
    /// Nil for a patient or a study.
    public var seriesInstanceUID: String?
    /// Nil except for an instance.
    public var sopInstanceUID: String?

    public static func patient(_ patient: PatientIdentity) -> ResourcePath {
        ResourcePath(patient: patient)
    }

    public static func study(_ uid: String, of patient: PatientIdentity) -> ResourcePath {
        ResourcePath(patient: patient, studyInstanceUID: uid)
    }

    public static func series(_ uid: String, study: String, patient: PatientIdentity) -> ResourcePath {
        ResourcePath(patient: patient, studyInstanceUID: study, seriesInstanceUID: uid)
    }

    public static func instance(_ uid: String, series: String, study: String, patient: PatientIdentity)
        -> ResourcePath
    {
        ResourcePath(patient: patient, studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: uid)
    }

    /// The path of `resource` under `ancestors` (their patient, study and series as far as
    /// they go); nil when an ancestor the level needs is missing.
    public init?(
        _ resource: ResourceSelector, patient: PatientIdentity?, studyInstanceUID: String?,
        seriesInstanceUID: String?
    ) {
        switch resource {
        case .patient(let identity):
            self = .patient(identity)
        case .study(let uid):
            guard let patient else { return nil }
            self = .study(uid, of: patient)
        case .series(let uid):
            guard let patient, let studyInstanceUID else { return nil }
            self = .series(uid, study: studyInstanceUID, patient: patient)
        case .instance(let uid):
            guard let patient, let studyInstanceUID, let seriesInstanceUID else { return nil }
            self = .instance(uid, series: seriesInstanceUID, study: studyInstanceUID, patient: patient)
        }
    }

    private init(
        patient: PatientIdentity, studyInstanceUID: String? = nil, seriesInstanceUID: String? = nil,
        sopInstanceUID: String? = nil
    ) {
        self.patient = patient
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopInstanceUID = sopInstanceUID
    }

    public var selector: ResourceSelector {
        if let sopInstanceUID { return .instance(sopInstanceUID) }
        if let seriesInstanceUID { return .series(seriesInstanceUID) }
        if let studyInstanceUID { return .study(studyInstanceUID) }
        return .patient(patient)
    }

    public var level: QueryLevel { selector.level }

    public var id: ResourceID {
        guard let studyInstanceUID else { return .patient(patient) }
        guard let seriesInstanceUID else { return .study(patient: patient, studyInstanceUID: studyInstanceUID) }
        guard let sopInstanceUID else {
            return .series(patient: patient, studyInstanceUID: studyInstanceUID, seriesInstanceUID: seriesInstanceUID)
        }
        return .instance(
            patient: patient, studyInstanceUID: studyInstanceUID, seriesInstanceUID: seriesInstanceUID,
            sopInstanceUID: sopInstanceUID)
    }
}

extension InstanceRegistration {
    /// The path of the instance (`.image`) or of its series, study or patient.
    public func path(at level: QueryLevel) -> ResourcePath {
        switch level {
        case .patient: .patient(patient)
        case .study: .study(studyInstanceUID, of: patient)
        case .series: .series(seriesInstanceUID, study: studyInstanceUID, patient: patient)
        case .image: .instance(sopInstanceUID, series: seriesInstanceUID, study: studyInstanceUID, patient: patient)
        }
    }
}
