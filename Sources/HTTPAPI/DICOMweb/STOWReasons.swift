import Archive

/// Failure Reason (0008,1197) values of a Store Instances Response (PS3.18 Table I.2-2,
/// codes from PS3.4 Table B.2-1 as C-STORE uses them). Which Apus sends when:
///
/// | code | meaning (standard) | Apus sends it when |
/// |---|---|---|
/// | 0xA700 | Refused: out of resources | the blob store or the index failed while storing (disk full, database gone: the client may retry), as C-STORE answers it |
/// | 0xA900 | Data set does not match SOP class | a required UID (SOP Class, SOP Instance, Study, Series) is missing or not a valid UID |
/// | 0xC000 | Error: cannot understand | the part is not a DICOM Part 10 file, or its media type is not one STOW-RS takes; or it contradicts what is stored (study of another patient, series of another study) |
/// | 0xC122 | Referenced transfer syntax not supported | metadata + bulk data that cannot be written in the transfer syntax it names |
/// | 0xC409 | (Cxxx, Apus-specific) Study Instance UID mismatch | the instance belongs to another study than the `/studies/{study}` it was sent to (PS3.18 §10.5.3 names the case, Table I.2-2 gives no code) |
///
/// A part larger than the maximum instance size is not failed alone: it ends the request with
/// 413, since the rest of the body cannot be trusted to be read in bounded memory.
struct StoreFailureReason: Sendable, Hashable {
    var code: UInt16

    static let outOfResources = StoreFailureReason(code: 0xA700)
    static let dataSetDoesNotMatchSOPClass = StoreFailureReason(code: 0xA900)
    static let cannotUnderstand = StoreFailureReason(code: 0xC000)
    static let transferSyntaxNotSupported = StoreFailureReason(code: 0xC122)
    static let studyInstanceUIDMismatch = StoreFailureReason(code: 0xC409)

    /// The same classes as C-STORE answers the refusal with (ApusServer's storage service).
    init(_ refusal: StoreRefusal) {
        switch refusal {
        case .missingAttribute, .invalidUID: self = .dataSetDoesNotMatchSOPClass
        default: self = .cannotUnderstand
        }
    }

    init(code: UInt16) {
        self.code = code
    }
}

/// Warning Reason (0008,1196) values (PS3.18 Table I.2-1).
///
/// | code | meaning (standard) | Apus sends it when |
/// |---|---|---|
/// | 0xB000 | Coercion of data elements | the SOP instance was already stored and the duplicate policy is `keep`: the stored copy stays, so what a retrieve returns may differ from what was sent (the standard lists no "already stored" warning; this is the one whose meaning covers it) |
struct StoreWarningReason: Sendable, Hashable {
    var code: UInt16

    static let coercionOfDataElements = StoreWarningReason(code: 0xB000)
}
