/// Why a DICOM JSON text could not be read. Syntax errors say where (byte offset into the
/// input); model errors say which attribute.
public enum DICOMJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not JSON: bad syntax, invalid UTF-8, truncated input.
    case invalidJSON(offset: Int, reason: String)
    /// Objects and arrays nested deeper than the decoder allows.
    case depthExceeded(offset: Int, limit: Int)
    /// Something other than the model's structure where a data set, attribute or item belongs;
    /// `context` names the place (`"top level"`, `"00081115"`, `"00081115 item 1"`).
    case unexpectedType(context: String, expected: String, found: String)
    /// A member name that is not eight hexadecimal digits.
    case badTagKey(String)
    /// An attribute object without `"vr"`.
    case missingVR(tag: Tag)
    /// A `"vr"` that is not one of the 34 value representations.
    case unknownVR(tag: Tag, vr: String)
    /// Values that the attribute's VR cannot hold: a string for US, a number for LO, an
    /// integer out of range, `Value` and `InlineBinary` together.
    case wrongValueType(tag: Tag, vr: VR, reason: String)
    /// An `InlineBinary` that is not base64.
    case invalidInlineBinary(tag: Tag)

    public var description: String {
        switch self {
        case .invalidJSON(let offset, let reason):
            "invalid JSON at offset \(offset): \(reason)"
        case .depthExceeded(let offset, let limit):
            "JSON nested deeper than \(limit) at offset \(offset)"
        case .unexpectedType(let context, let expected, let found):
            "\(context): expected \(expected), found \(found)"
        case .badTagKey(let key):
            "\"\(key)\" is not a tag (eight hexadecimal digits)"
        case .missingVR(let tag):
            "\(tag): no \"vr\""
        case .unknownVR(let tag, let vr):
            "\(tag): unknown VR \"\(vr)\""
        case .wrongValueType(let tag, let vr, let reason):
            "\(tag) \(vr): \(reason)"
        case .invalidInlineBinary(let tag):
            "\(tag): InlineBinary is not base64"
        }
    }
}
