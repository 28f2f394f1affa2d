public import DICOM

/// Why a command set could not be read or a message could not be written. Every case says
/// which command and, where there is one, which element.
public enum DIMSEError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The command set bytes are not a data set in Implicit VR Little Endian.
    case malformedCommandSet(DICOMReadError)
    /// A command set without Command Field (0000,0100), or with one that is not a US value.
    case missingCommandField
    /// A command set of another message than the type it was decoded as.
    case unexpectedCommandField(expected: CommandField, found: CommandField)
    /// An element the message requires (PS3.7 §9.3) is absent.
    case missingElement(Tag, command: CommandField)
    /// An element whose value is empty, of the wrong length or not valid for its field.
    case invalidValue(Tag, command: CommandField, reason: String)
    /// Command Data Set Type (0000,0800) says a data set follows where the message never has
    /// one, or says none follows where the message always has one.
    case dataSetTypeMismatch(command: CommandField, dataSetType: UInt16)
    /// The message was to be written with a data set it doesn't announce, or without one it does.
    case dataSetPresenceMismatch(command: CommandField, announced: Bool)
    /// The command set could not be encoded.
    case encodingFailed(DICOMWriteError)
    /// A maximum PDU length that leaves no room for a fragment: it must be 0 (no maximum)
    /// or from 7 (4-byte PDV item length, context ID, message control header, one byte) up to
    /// 0xFFFFFFFF.
    case invalidMaximumPDULength(Int)

    public var description: String {
        switch self {
        case .malformedCommandSet(let error):
            "malformed command set: \(error)"
        case .missingCommandField:
            "command set without a valid Command Field (0000,0100)"
        case .unexpectedCommandField(let expected, let found):
            "expected a \(expected) command set, found \(found)"
        case .missingElement(let tag, let command):
            "\(command) lacks required element \(tag)"
        case .invalidValue(let tag, let command, let reason):
            "\(command) has an invalid \(tag): \(reason)"
        case .dataSetTypeMismatch(let command, let dataSetType):
            "\(command) with Command Data Set Type 0x\(DIMSEHex.format(dataSetType)), which "
                + (dataSetType == CommandSet.noDataSet
                    ? "announces no data set where one is required"
                    : "announces a data set where none is allowed")
        case .dataSetPresenceMismatch(let command, let announced):
            announced
                ? "\(command) announces a data set but none was given"
                : "\(command) announces no data set but one was given"
        case .encodingFailed(let error):
            "cannot encode command set: \(error)"
        case .invalidMaximumPDULength(let length):
            "maximum PDU length \(length) is neither 0 nor between 7 and 4294967295"
        }
    }
}
