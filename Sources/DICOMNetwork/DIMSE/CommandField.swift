/// The Command Field (0000,0100) of a command set: which DIMSE message it is (PS3.7 §9.3,
/// §10.3, Table E.1-1). Bit 15 set marks a response.
public struct CommandField: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let cStoreRequest = CommandField(rawValue: 0x0001)
    public static let cStoreResponse = CommandField(rawValue: 0x8001)
    public static let cGetRequest = CommandField(rawValue: 0x0010)
    public static let cGetResponse = CommandField(rawValue: 0x8010)
    public static let cFindRequest = CommandField(rawValue: 0x0020)
    public static let cFindResponse = CommandField(rawValue: 0x8020)
    public static let cMoveRequest = CommandField(rawValue: 0x0021)
    public static let cMoveResponse = CommandField(rawValue: 0x8021)
    public static let cEchoRequest = CommandField(rawValue: 0x0030)
    public static let cEchoResponse = CommandField(rawValue: 0x8030)
    public static let cCancelRequest = CommandField(rawValue: 0x0FFF)

    public static let nEventReportRequest = CommandField(rawValue: 0x0100)
    public static let nEventReportResponse = CommandField(rawValue: 0x8100)
    public static let nGetRequest = CommandField(rawValue: 0x0110)
    public static let nGetResponse = CommandField(rawValue: 0x8110)
    public static let nSetRequest = CommandField(rawValue: 0x0120)
    public static let nSetResponse = CommandField(rawValue: 0x8120)
    public static let nActionRequest = CommandField(rawValue: 0x0130)
    public static let nActionResponse = CommandField(rawValue: 0x8130)
    public static let nCreateRequest = CommandField(rawValue: 0x0140)
    public static let nCreateResponse = CommandField(rawValue: 0x8140)
    public static let nDeleteRequest = CommandField(rawValue: 0x0150)
    public static let nDeleteResponse = CommandField(rawValue: 0x8150)

    /// Responses have bit 15 set; C-CANCEL-RQ is a request.
    public var isResponse: Bool { rawValue & 0x8000 != 0 }

    /// The message's name in the standard (`C-STORE-RQ`), nil for values it doesn't define.
    public var name: String? {
        switch rawValue {
        case 0x0001: "C-STORE-RQ"
        case 0x8001: "C-STORE-RSP"
        case 0x0010: "C-GET-RQ"
        case 0x8010: "C-GET-RSP"
        case 0x0020: "C-FIND-RQ"
        case 0x8020: "C-FIND-RSP"
        case 0x0021: "C-MOVE-RQ"
        case 0x8021: "C-MOVE-RSP"
        case 0x0030: "C-ECHO-RQ"
        case 0x8030: "C-ECHO-RSP"
        case 0x0FFF: "C-CANCEL-RQ"
        case 0x0100: "N-EVENT-REPORT-RQ"
        case 0x8100: "N-EVENT-REPORT-RSP"
        case 0x0110: "N-GET-RQ"
        case 0x8110: "N-GET-RSP"
        case 0x0120: "N-SET-RQ"
        case 0x8120: "N-SET-RSP"
        case 0x0130: "N-ACTION-RQ"
        case 0x8130: "N-ACTION-RSP"
        case 0x0140: "N-CREATE-RQ"
        case 0x8140: "N-CREATE-RSP"
        case 0x0150: "N-DELETE-RQ"
        case 0x8150: "N-DELETE-RSP"
        default: nil
        }
    }
}

extension CommandField: CustomStringConvertible {
    /// The standard's name, or the hexadecimal value for one it doesn't define.
    public var description: String {
        name ?? "command 0x" + DIMSEHex.format(rawValue)
    }
}

/// Four uppercase hexadecimal digits, as the standard writes command fields and statuses.
enum DIMSEHex {
    static func format(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
