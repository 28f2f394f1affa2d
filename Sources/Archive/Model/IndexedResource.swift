/// A patient, study, series or instance found by its REST id (`ResourceID`): where it sits in
/// the hierarchy — its own unique key and those of the entities above it — and when an
/// instance at or below it was last stored.
public struct IndexedResource: Sendable, Hashable {
    public var level: QueryLevel
    public var patient: PatientIdentity
    /// Nil above the study level; likewise for series and SOP instance.
    public var studyInstanceUID: String?
    public var seriesInstanceUID: String?
    public var sopInstanceUID: String?
    /// Seconds since 1970 (UTC) when the newest instance at or below it was stored.
    public var lastStored: Double

    public init(
        level: QueryLevel, patient: PatientIdentity, studyInstanceUID: String? = nil,
        seriesInstanceUID: String? = nil, sopInstanceUID: String? = nil, lastStored: Double
    ) {
        self.level = level
        self.patient = patient
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopInstanceUID = sopInstanceUID
        self.lastStored = lastStored
    }

    /// The entity by its unique key, as `IndexStore.delete` and the change feed name it.
    public var selector: ResourceSelector {
        switch level {
        case .patient: .patient(patient)
        case .study: .study(studyInstanceUID ?? "")
        case .series: .series(seriesInstanceUID ?? "")
        case .image: .instance(sopInstanceUID ?? "")
        }
    }

    /// The id of this entity (`level` nil or its own) or of the one above it at `level`; nil
    /// for a level below it.
    public func id(at level: QueryLevel? = nil) -> ResourceID? {
        ResourceID.path(
            level: level ?? self.level, patient: patient, studyInstanceUID: studyInstanceUID,
            seriesInstanceUID: seriesInstanceUID, sopInstanceUID: sopInstanceUID)
    }
}
