import DICOM
import DICOMNetwork

/// UIDs and statuses as the commands print them for people.
enum DisplayName {
    /// `CT Image Storage (1.2.840.10008.5.1.4.1.1.2)`; the bare UID when it is not registered.
    static func uid(_ uid: UID) -> String {
        UIDRegistry.entry(for: uid).map { "\($0.name) (\(uid))" } ?? uid.rawValue
    }

    /// `success`, or `0xA900 failure (error: …)`.
    static func status(_ status: DIMSEStatus) -> String {
        status == .success ? "success" : status.description
    }
}
