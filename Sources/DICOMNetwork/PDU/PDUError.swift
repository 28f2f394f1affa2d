/// Why a PDU could not be decoded or encoded (PS3.8 §9.3). Every case says where.
///
/// Decoding errors mean the peer broke the protocol: the association is aborted
/// (`abortReason` gives the A-ABORT reason to send).
public enum PDUError: Error, Sendable, Equatable {
    /// The 6-byte header announced a PDU-length above the configured maximum; the body was not read.
    case pduTooLarge(length: UInt32, maximum: UInt32)
    /// The PDU-type byte is none of 01H–07H.
    case unknownPDUType(UInt8)
    /// A length that the standard fixes (the 4-byte body of A-ASSOCIATE-RJ, A-RELEASE-RQ/RP and
    /// A-ABORT, the Maximum Length and Asynchronous Operations Window sub-items) or bounds (a PDV
    /// item holds at least its context ID and message control header) has another value.
    case invalidLength(field: String, length: Int)
    /// A field, item or sub-item runs past the end of the PDU or item that contains it.
    case truncated(field: String, needed: Int, available: Int)
    /// An item or sub-item that is not allowed where it is, repeated though it may appear once,
    /// or missing though it is mandatory.
    case invalidItem(type: UInt8, parent: String, problem: ItemProblem)
    /// A field whose value is malformed (a UID that is not digits and dots, an unknown result code).
    case invalidValue(field: String, value: String)
    /// Encoding only: a value does not fit in its length field (UInt16 for items, UInt32 for PDUs).
    case valueTooLong(field: String, length: Int, maximum: Int)

    public enum ItemProblem: Sendable, Equatable {
        case unexpected
        case duplicate
        case missing
    }

    /// The A-ABORT reason for a peer that sent this (PS3.8 Table 9-26).
    public var abortReason: Abort.Reason {
        switch self {
        case .unknownPDUType: .unrecognizedPDU
        case .invalidItem(_, _, .unexpected): .unexpectedPDUParameter
        case .pduTooLarge, .invalidLength, .truncated, .invalidItem, .invalidValue: .invalidPDUParameterValue
        case .valueTooLong: .reasonNotSpecified
        }
    }
}

extension PDUError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .pduTooLarge(let length, let maximum):
            "PDU of \(length) bytes exceeds the maximum of \(maximum)"
        case .unknownPDUType(let type):
            "unknown PDU type \(hex(type))"
        case .invalidLength(let field, let length):
            "\(field): invalid length \(length)"
        case .truncated(let field, let needed, let available):
            "\(field): needs \(needed) bytes, \(available) left"
        case .invalidItem(let type, let parent, let problem):
            "\(parent): \(problem) item \(hex(type))"
        case .invalidValue(let field, let value):
            "\(field): invalid value \"\(value)\""
        case .valueTooLong(let field, let length, let maximum):
            "\(field): \(length) bytes do not fit in a length field of at most \(maximum)"
        }
    }
}

/// "20H", the standard's notation for item and PDU types.
func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return (byte < 0x10 ? "0" : "") + digits + "H"
}
