import Crypto

/// The public id of a patient, study, series or instance in the REST API: Orthanc's scheme
/// (SHA-1 of the DICOM identifiers joined by `|`, as five dash-separated groups of eight hex
/// digits), so that ids are the same on every replica and the same as an Orthanc's holding the
/// same data. Issuer of Patient ID qualifies a patient in Apus but not in Orthanc; it joins the
/// patient part only when present, so archives without issuers keep Orthanc's ids exactly.
public struct ResourceID: Sendable, Hashable, CustomStringConvertible {
    /// `xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx`, lower-case hex.
    public let description: String

    /// An id as given in a URL, if it has the shape of one (44 characters, lower-case hex in
    /// five groups): anything else cannot name a resource.
    public init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 44 else { return nil }
        for (index, byte) in utf8.enumerated() {
            if index % 9 == 8 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard
                    (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                        || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
                else {
                    return nil
                }
            }
        }
        description = String(text)
    }

    private init(hashing parts: [String]) {
        let digest = Insecure.SHA1.hash(data: Array(parts.joined(separator: "|").utf8))
        let hexDigits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(44)
        for (index, byte) in digest.enumerated() {
            if index > 0 && index % 4 == 0 { text.append(UInt8(ascii: "-")) }
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        description = String(decoding: text, as: UTF8.self)
    }

    private static func patientPart(_ patient: PatientIdentity) -> String {
        patient.issuer.isEmpty ? patient.patientID : patient.patientID + "|" + patient.issuer
    }

    public static func patient(_ patient: PatientIdentity) -> ResourceID {
        ResourceID(hashing: [patientPart(patient)])
    }

    public static func study(patient: PatientIdentity, studyInstanceUID: String) -> ResourceID {
        ResourceID(hashing: [patientPart(patient), studyInstanceUID])
    }

    public static func series(patient: PatientIdentity, studyInstanceUID: String, seriesInstanceUID: String)
        -> ResourceID
    {
        ResourceID(hashing: [patientPart(patient), studyInstanceUID, seriesInstanceUID])
    }

    public static func instance(
        patient: PatientIdentity, studyInstanceUID: String, seriesInstanceUID: String, sopInstanceUID: String
    ) -> ResourceID {
        ResourceID(hashing: [patientPart(patient), studyInstanceUID, seriesInstanceUID, sopInstanceUID])
    }
}
