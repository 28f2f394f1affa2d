/// The Status (0000,0900) of a DIMSE response (PS3.7 §9.1.1.1.9, Annex C) with the meanings
/// the Verification, Storage and Query/Retrieve service classes give it (PS3.4 A, B.2.3,
/// C.4.1.1.4, C.4.2.1.5, C.4.3.1.4).
///
/// Some values mean different things in different services (0xB000 is "coercion of data
/// elements" in a C-STORE-RSP and "sub-operations complete with failures" in a C-MOVE-RSP);
/// the constants give both names and the category is the same either way.
public struct DIMSEStatus: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// The status classes of PS3.7 Annex C.
    public enum Category: Sendable, Hashable {
        case success
        case warning
        case failure
        case cancel
        case pending
    }

    /// PS3.7 C.1–C.5: 0000 success; FF00 and FF01 pending; FE00 cancel; 0001, 0107, 0116 and
    /// Bxxx warning. Everything else — Axxx, Cxxx, the 01xx and 02xx failures, and codes the
    /// standard doesn't define — is a failure: a peer must not read an unknown code as success.
    public var category: Category {
        switch rawValue {
        case 0x0000: .success
        case 0xFF00, 0xFF01: .pending
        case 0xFE00: .cancel
        case 0x0001, 0x0107, 0x0116, 0xB000...0xBFFF: .warning
        default: .failure
        }
    }

    public var isSuccess: Bool { category == .success }
    public var isWarning: Bool { category == .warning }
    public var isFailure: Bool { category == .failure }
    public var isCancel: Bool { category == .cancel }
    public var isPending: Bool { category == .pending }
    /// Success, warning, failure and cancel end an operation; pending doesn't.
    public var isFinal: Bool { category != .pending }

    // MARK: General (PS3.7 Annex C)

    public static let success = DIMSEStatus(rawValue: 0x0000)
    public static let cancel = DIMSEStatus(rawValue: 0xFE00)
    /// Matches or sub-operations are continuing (C-FIND, C-GET, C-MOVE).
    public static let pending = DIMSEStatus(rawValue: 0xFF00)
    /// Matches are continuing; one or more optional keys were not supported (C-FIND).
    public static let pendingWithOptionalKeysUnsupported = DIMSEStatus(rawValue: 0xFF01)

    public static let attributeListError = DIMSEStatus(rawValue: 0x0107)
    public static let attributeValueOutOfRange = DIMSEStatus(rawValue: 0x0116)
    public static let noSuchAttribute = DIMSEStatus(rawValue: 0x0105)
    public static let invalidAttributeValue = DIMSEStatus(rawValue: 0x0106)
    public static let processingFailure = DIMSEStatus(rawValue: 0x0110)
    public static let duplicateSOPInstance = DIMSEStatus(rawValue: 0x0111)
    public static let noSuchSOPInstance = DIMSEStatus(rawValue: 0x0112)
    public static let invalidObjectInstance = DIMSEStatus(rawValue: 0x0117)
    public static let noSuchSOPClass = DIMSEStatus(rawValue: 0x0118)
    public static let classInstanceConflict = DIMSEStatus(rawValue: 0x0119)
    public static let missingAttribute = DIMSEStatus(rawValue: 0x0120)
    public static let missingAttributeValue = DIMSEStatus(rawValue: 0x0121)
    public static let sopClassNotSupported = DIMSEStatus(rawValue: 0x0122)
    public static let notAuthorized = DIMSEStatus(rawValue: 0x0124)
    public static let duplicateInvocation = DIMSEStatus(rawValue: 0x0210)
    public static let unrecognizedOperation = DIMSEStatus(rawValue: 0x0211)
    public static let mistypedArgument = DIMSEStatus(rawValue: 0x0212)
    public static let resourceLimitation = DIMSEStatus(rawValue: 0x0213)

    // MARK: Storage (PS3.4 B.2.3) and Query/Retrieve (PS3.4 C.4)

    /// Storage warning: the SCP changed some element values.
    public static let coercionOfDataElements = DIMSEStatus(rawValue: 0xB000)
    /// C-GET/C-MOVE warning: sub-operations complete, one or more failed or had warnings.
    public static let subOperationsCompleteWithFailures = DIMSEStatus(rawValue: 0xB000)
    public static let elementsDiscarded = DIMSEStatus(rawValue: 0xB006)
    public static let dataSetDoesNotMatchSOPClassWarning = DIMSEStatus(rawValue: 0xB007)
    /// Refused: out of resources (the first of the A7xx range).
    public static let outOfResources = DIMSEStatus(rawValue: 0xA700)
    public static let outOfResourcesUnableToCalculateMatches = DIMSEStatus(rawValue: 0xA701)
    public static let outOfResourcesUnableToPerformSubOperations = DIMSEStatus(rawValue: 0xA702)
    public static let moveDestinationUnknown = DIMSEStatus(rawValue: 0xA801)
    /// Storage: the data set does not match the SOP class; Q/R: nor does the identifier.
    public static let dataSetDoesNotMatchSOPClass = DIMSEStatus(rawValue: 0xA900)
    /// Error: cannot understand / unable to process (the first of the Cxxx range).
    public static let cannotUnderstand = DIMSEStatus(rawValue: 0xC000)
}

extension DIMSEStatus: CustomStringConvertible {
    /// `0xA700 failure (refused: out of resources)`.
    public var description: String {
        let hex = "0x" + DIMSEHex.format(rawValue)
        guard let meaning else { return "\(hex) \(category)" }
        return "\(hex) \(category) (\(meaning))"
    }

    /// What the standard says the code means, in lowercase; nil for codes it doesn't define.
    public var meaning: String? {
        switch rawValue {
        case 0x0000: "success"
        case 0xFE00: "cancelled"
        case 0xFF00: "pending: matches or sub-operations are continuing"
        case 0xFF01: "pending: matches are continuing, optional keys not supported"
        case 0x0001: "warning: requested optional attributes are not supported"
        case 0x0105: "no such attribute"
        case 0x0106: "invalid attribute value"
        case 0x0107: "attribute list error"
        case 0x0110: "processing failure"
        case 0x0111: "duplicate SOP instance"
        case 0x0112: "no such SOP instance"
        case 0x0113: "no such event type"
        case 0x0114: "no such argument"
        case 0x0115: "invalid argument value"
        case 0x0116: "attribute value out of range"
        case 0x0117: "invalid object instance"
        case 0x0118: "no such SOP class"
        case 0x0119: "class-instance conflict"
        case 0x0120: "missing attribute"
        case 0x0121: "missing attribute value"
        case 0x0122: "refused: SOP class not supported"
        case 0x0123: "no such action"
        case 0x0124: "refused: not authorized"
        case 0x0210: "duplicate invocation"
        case 0x0211: "unrecognized operation"
        case 0x0212: "mistyped argument"
        case 0x0213: "resource limitation"
        case 0xA701: "refused: out of resources, unable to calculate number of matches"
        case 0xA702: "refused: out of resources, unable to perform sub-operations"
        case 0xA700...0xA7FF: "refused: out of resources"
        case 0xA801: "refused: move destination unknown"
        case 0xA900...0xA9FF: "error: data set or identifier does not match SOP class"
        case 0xB000: "warning: coercion of data elements, or sub-operations complete with failures"
        case 0xB006: "warning: elements discarded"
        case 0xB007: "warning: data set does not match SOP class"
        case 0xC000...0xCFFF: "error: cannot understand, unable to process"
        default: nil
        }
    }
}
