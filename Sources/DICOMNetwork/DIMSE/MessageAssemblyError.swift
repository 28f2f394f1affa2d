/// A protocol violation in the stream of presentation data values (PS3.7 §6.3, PS3.8 §9.3.5,
/// Annex E). Any of them ends the association with an A-ABORT; the cases tell which rule
/// was broken, for the log and for the abort's reason.
public enum MessageAssemblyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A data set fragment where a command set had to come first (at the start of a message,
    /// or before the command's last fragment).
    case dataBeforeCommand(contextID: UInt8)
    /// A data set fragment after a command whose Command Data Set Type said none follows.
    case unexpectedDataSet(contextID: UInt8, command: CommandField)
    /// A command fragment before the last fragment of the previous message's data set.
    case commandBeforeDataSetEnd(contextID: UInt8, command: CommandField)
    /// A fragment on another presentation context than the message it continues.
    case contextMismatch(expected: UInt8, received: UInt8)
    /// A command set larger than the configured limit.
    case commandSetTooLarge(length: Int, limit: Int)
    /// An assembled (not streamed) data set larger than the configured limit.
    case dataSetTooLarge(length: Int, limit: Int, command: CommandField)
    /// A complete command set that is not a valid DIMSE command.
    case invalidCommand(contextID: UInt8, DIMSEError)

    public var description: String {
        switch self {
        case .dataBeforeCommand(let contextID):
            "data set fragment on presentation context \(contextID) before a complete command set"
        case .unexpectedDataSet(let contextID, let command):
            "data set fragment on presentation context \(contextID) after \(command), which announced none"
        case .commandBeforeDataSetEnd(let contextID, let command):
            "command fragment on presentation context \(contextID) before the last fragment of the data set of "
                + "\(command)"
        case .contextMismatch(let expected, let received):
            "fragment on presentation context \(received) in the middle of a message on context \(expected)"
        case .commandSetTooLarge(let length, let limit):
            "command set of at least \(length) bytes, more than the limit of \(limit)"
        case .dataSetTooLarge(let length, let limit, let command):
            "data set of \(command) of at least \(length) bytes, more than the limit of \(limit)"
        case .invalidCommand(let contextID, let error):
            "invalid command on presentation context \(contextID): \(error)"
        }
    }
}
