/// A DICOM Upper Layer protocol data unit (PS3.8 §9.3).
///
/// `PDU.decode(from:maximumLength:)` and `encode(into:)` are the codec; `PDUDecoder` and
/// `PDUEncoder` put them in a SwiftNIO pipeline.
public enum PDU: Sendable, Equatable {
    /// A-ASSOCIATE-RQ, PDU type 01H (§9.3.2).
    case associateRequest(AssociateRequest)
    /// A-ASSOCIATE-AC, PDU type 02H (§9.3.3).
    case associateAccept(AssociateAccept)
    /// A-ASSOCIATE-RJ, PDU type 03H (§9.3.4).
    case associateReject(AssociateReject)
    /// P-DATA-TF, PDU type 04H (§9.3.5): one or more presentation data values.
    case data([PresentationDataValue])
    /// A-RELEASE-RQ, PDU type 05H (§9.3.6).
    case releaseRequest
    /// A-RELEASE-RP, PDU type 06H (§9.3.7).
    case releaseResponse
    /// A-ABORT, PDU type 07H (§9.3.8).
    case abort(Abort)

    /// The PDU-type byte.
    public var pduType: UInt8 {
        switch self {
        case .associateRequest: PDUType.associateRequest
        case .associateAccept: PDUType.associateAccept
        case .associateReject: PDUType.associateReject
        case .data: PDUType.data
        case .releaseRequest: PDUType.releaseRequest
        case .releaseResponse: PDUType.releaseResponse
        case .abort: PDUType.abort
        }
    }

    /// The standard's name: "A-ASSOCIATE-RQ", "P-DATA-TF", …
    public var name: String { PDUType.name(of: pduType) }
}

/// PDU-type values (PS3.8 Table 9-11 and following).
enum PDUType {
    static let associateRequest: UInt8 = 0x01
    static let associateAccept: UInt8 = 0x02
    static let associateReject: UInt8 = 0x03
    static let data: UInt8 = 0x04
    static let releaseRequest: UInt8 = 0x05
    static let releaseResponse: UInt8 = 0x06
    static let abort: UInt8 = 0x07

    static func name(of type: UInt8) -> String {
        switch type {
        case associateRequest: "A-ASSOCIATE-RQ"
        case associateAccept: "A-ASSOCIATE-AC"
        case associateReject: "A-ASSOCIATE-RJ"
        case data: "P-DATA-TF"
        case releaseRequest: "A-RELEASE-RQ"
        case releaseResponse: "A-RELEASE-RP"
        case abort: "A-ABORT"
        default: "PDU \(hex(type))"
        }
    }
}

/// Item and sub-item types (PS3.8 §9.3.2.1–9.3.3.3, PS3.7 Annex D.3.3).
enum ItemType {
    static let applicationContext: UInt8 = 0x10
    static let presentationContextRequest: UInt8 = 0x20
    static let presentationContextAccept: UInt8 = 0x21
    static let abstractSyntax: UInt8 = 0x30
    static let transferSyntax: UInt8 = 0x40
    static let userInformation: UInt8 = 0x50
    static let maximumLength: UInt8 = 0x51
    static let implementationClassUID: UInt8 = 0x52
    static let asynchronousOperationsWindow: UInt8 = 0x53
    static let roleSelection: UInt8 = 0x54
    static let implementationVersionName: UInt8 = 0x55
    static let sopClassExtendedNegotiation: UInt8 = 0x56
    static let sopClassCommonExtendedNegotiation: UInt8 = 0x57
    static let userIdentityRequest: UInt8 = 0x58
    static let userIdentityResponse: UInt8 = 0x59
}
