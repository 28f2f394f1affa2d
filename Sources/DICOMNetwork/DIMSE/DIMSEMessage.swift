public import DICOM
public import NIOCore

/// Any DIMSE message, read from its command set by Command Field (0000,0100).
///
/// DIMSE-C messages are typed; other messages (the DIMSE-N services, or command fields the
/// standard doesn't define) are `unknown`, keeping their command set so that a service can
/// still answer them, for example with status 0x0211 (unrecognized operation).
public enum DIMSEMessage: Sendable, Equatable {
    case cEchoRequest(CEchoRequest)
    case cEchoResponse(CEchoResponse)
    case cStoreRequest(CStoreRequest)
    case cStoreResponse(CStoreResponse)
    case cFindRequest(CFindRequest)
    case cFindResponse(CFindResponse)
    case cGetRequest(CGetRequest)
    case cGetResponse(CGetResponse)
    case cMoveRequest(CMoveRequest)
    case cMoveResponse(CMoveResponse)
    case cCancelRequest(CCancelRequest)
    /// A message without a type here, with its whole command set.
    case unknown(commandField: CommandField, DataSet)

    /// Reads a message from a decoded command set. An unknown message still needs Command
    /// Data Set Type (0000,0800), which says whether a data set follows it.
    public init(commandSet: DataSet) throws(DIMSEError) {
        let field = try CommandSet.commandField(of: commandSet)
        switch field {
        case .cEchoRequest: self = .cEchoRequest(try CEchoRequest(commandSet: commandSet))
        case .cEchoResponse: self = .cEchoResponse(try CEchoResponse(commandSet: commandSet))
        case .cStoreRequest: self = .cStoreRequest(try CStoreRequest(commandSet: commandSet))
        case .cStoreResponse: self = .cStoreResponse(try CStoreResponse(commandSet: commandSet))
        case .cFindRequest: self = .cFindRequest(try CFindRequest(commandSet: commandSet))
        case .cFindResponse: self = .cFindResponse(try CFindResponse(commandSet: commandSet))
        case .cGetRequest: self = .cGetRequest(try CGetRequest(commandSet: commandSet))
        case .cGetResponse: self = .cGetResponse(try CGetResponse(commandSet: commandSet))
        case .cMoveRequest: self = .cMoveRequest(try CMoveRequest(commandSet: commandSet))
        case .cMoveResponse: self = .cMoveResponse(try CMoveResponse(commandSet: commandSet))
        case .cCancelRequest: self = .cCancelRequest(try CCancelRequest(commandSet: commandSet))
        default:
            guard commandSet[.commandDataSetType].flatMap(CommandSet.Reader.uint16) != nil else {
                throw .missingElement(.commandDataSetType, command: field)
            }
            self = .unknown(commandField: field, commandSet)
        }
    }

    /// Reads a message from command set bytes (Implicit VR Little Endian).
    public init(decoding bytes: ByteBuffer) throws(DIMSEError) {
        try self.init(commandSet: try CommandSet.decode(bytes))
    }

    /// The message's command set in Implicit VR Little Endian, led by a Command Group Length
    /// (0000,0000) computed from the bytes that follow it.
    public func encoded() throws(DIMSEError) -> ByteBuffer {
        try CommandSet.encode(commandSet)
    }

    /// The message as a typed command, nil for `unknown`.
    public var command: (any DIMSECommand)? {
        switch self {
        case .cEchoRequest(let message): message
        case .cEchoResponse(let message): message
        case .cStoreRequest(let message): message
        case .cStoreResponse(let message): message
        case .cFindRequest(let message): message
        case .cFindResponse(let message): message
        case .cGetRequest(let message): message
        case .cGetResponse(let message): message
        case .cMoveRequest(let message): message
        case .cMoveResponse(let message): message
        case .cCancelRequest(let message): message
        case .unknown: nil
        }
    }

    public var commandField: CommandField {
        if case .unknown(let field, _) = self { return field }
        return command.map { type(of: $0).commandField } ?? CommandField(rawValue: 0)
    }

    /// Whether a data set follows the command set: any Command Data Set Type but 0x0101
    /// (PS3.7 E.1).
    public var hasDataSet: Bool {
        if case .unknown(_, let commandSet) = self {
            let value = commandSet[.commandDataSetType].flatMap(CommandSet.Reader.uint16)
            return value.map { $0 != CommandSet.noDataSet } ?? false
        }
        return command?.hasDataSet ?? false
    }

    /// The command set, with Command Group Length computed for the typed messages; an
    /// unknown message's command set as it is.
    public var commandSet: DataSet {
        if case .unknown(_, let commandSet) = self { return commandSet }
        return command?.commandSet ?? DataSet()
    }
}
