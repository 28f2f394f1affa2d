/// Who a patient is to the archive: Patient ID (0010,0020) qualified by Issuer of Patient
/// ID (0010,0021), so that two sites' "12345" stay two patients. Either may be empty (both
/// are Type 2); empty is a value like any other.
public struct PatientIdentity: Sendable, Hashable, CustomStringConvertible {
    public var patientID: String
    public var issuer: String

    public init(patientID: String, issuer: String = "") {
        self.patientID = patientID
        self.issuer = issuer
    }

    public var description: String {
        issuer.isEmpty ? "'\(patientID)'" : "'\(patientID)' issued by '\(issuer)'"
    }
}
