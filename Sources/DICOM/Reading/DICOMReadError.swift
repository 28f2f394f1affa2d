/// Why a data set or Part 10 file could not be read. Every case says where (byte offset into
/// the decoded stream) and, where there is one, which element.
public enum DICOMReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input ends inside an element header or value.
    case truncated(offset: Int, needed: Int, available: Int)
    /// The input is not a Part 10 file and reading raw data sets was not asked for.
    case notPart10(reason: String)
    /// Two bytes where an explicit VR belongs name no VR.
    case invalidVR(tag: Tag, offset: Int, bytes: UInt16)
    /// A length that overruns the enclosing item or sequence, or is undefined where that is not allowed.
    case invalidLength(tag: Tag, offset: Int, length: UInt32)
    /// An item or delimiter tag where a data element belongs, or something else inside a sequence.
    case unexpectedTag(tag: Tag, offset: Int, context: String)
    /// Sequences nested deeper than the reader's limit.
    case nestingTooDeep(offset: Int, limit: Int)
    /// Deflated data that zlib could not inflate, or that inflates past the size limit.
    case inflate(reason: String)
    /// The file could not be opened or read.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .truncated(let offset, let needed, let available):
            "data ends at offset \(offset): \(needed) bytes needed, \(available) available"
        case .notPart10(let reason):
            "not a DICOM Part 10 file: \(reason)"
        case .invalidVR(let tag, let offset, let bytes):
            "invalid VR 0x\(String(bytes, radix: 16)) for \(tag) at offset \(offset)"
        case .invalidLength(let tag, let offset, let length):
            "invalid length 0x\(String(length, radix: 16)) for \(tag) at offset \(offset)"
        case .unexpectedTag(let tag, let offset, let context):
            "unexpected \(tag) at offset \(offset) \(context)"
        case .nestingTooDeep(let offset, let limit):
            "sequences nested deeper than \(limit) at offset \(offset)"
        case .inflate(let reason):
            "cannot inflate deflated data set: \(reason)"
        case .io(let path, let reason):
            "cannot read \(path): \(reason)"
        }
    }
}
