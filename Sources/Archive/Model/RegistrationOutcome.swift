public import DICOM

/// What the index did with one registration.
public enum RegistrationOutcome: Sendable, Hashable {
    /// A new instance row.
    case registered(StoredInstance)
    /// The SOP Instance UID was there and the policy was `keep`: nothing changed. The new
    /// blob is unreferenced.
    case duplicateKept(existing: StoredInstance)
    /// The SOP Instance UID was there and the policy was `overwrite`: the row now points at
    /// the new blob, and `previousBlob` is unreferenced.
    case overwritten(StoredInstance, previousBlob: BlobKey)
    /// Nothing recorded; the new blob is unreferenced.
    case refused(StoreRefusal)
}

/// Why an instance was not stored. The peer is told (C-STORE failure status with this as
/// the error comment), the log says it, and nothing else changes.
public enum StoreRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not a DICOM data set the reader can parse.
    case unreadable(String)
    /// A required attribute is absent or empty.
    case missingAttribute(Tag)
    /// A UID attribute whose value is not a valid UID (PS3.5 §9.1).
    case invalidUID(Tag, String)
    /// The study is indexed under another patient identity (Patient ID + Issuer).
    case studyBelongsToAnotherPatient(study: String, indexed: PatientIdentity, received: PatientIdentity)
    /// The series is indexed under another study.
    case seriesBelongsToAnotherStudy(series: String, indexedStudy: String, receivedStudy: String)
    /// The SOP instance is indexed under another series, which overwriting may not change.
    case instanceBelongsToAnotherSeries(instance: String, indexedSeries: String, receivedSeries: String)

    public var description: String {
        switch self {
        case .unreadable(let reason):
            "unreadable data set: \(reason)"
        case .missingAttribute(let tag):
            "missing \(Self.name(tag))"
        case .invalidUID(let tag, let value):
            "invalid UID in \(Self.name(tag)): '\(value)'"
        case .studyBelongsToAnotherPatient(let study, let indexed, let received):
            "study \(study) belongs to patient \(indexed), not \(received)"
        case .seriesBelongsToAnotherStudy(let series, let indexedStudy, let receivedStudy):
            "series \(series) belongs to study \(indexedStudy), not \(receivedStudy)"
        case .instanceBelongsToAnotherSeries(let instance, let indexedSeries, let receivedSeries):
            "instance \(instance) belongs to series \(indexedSeries), not \(receivedSeries)"
        }
    }

    private static func name(_ tag: Tag) -> String {
        DataDictionary.entry(for: tag).map { "\($0.keyword) \(tag)" } ?? tag.description
    }
}
