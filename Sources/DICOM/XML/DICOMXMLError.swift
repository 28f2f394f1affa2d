/// Why a Native DICOM Model document could not be read. XML errors say where (byte offset into
/// the input); model errors say which attribute.
public enum DICOMXMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not well-formed XML: bad syntax, invalid UTF-8, truncated input, an undefined character.
    case malformedXML(offset: Int, reason: String)
    /// Elements nested deeper than the decoder allows.
    case depthExceeded(offset: Int, limit: Int)
    /// XML this reader refuses on purpose: a document type declaration, an entity other than
    /// the predefined five, an encoding other than UTF-8.
    case unsupported(offset: Int, feature: String)
    /// An element the model has no place for where it stands; `context` names the place.
    case unexpectedElement(name: String, context: String)
    /// A `tag` attribute that is missing or not eight hexadecimal digits.
    case badTag(String)
    case missingVR(tag: Tag)
    case unknownVR(tag: Tag, vr: String)
    /// Values that the attribute's VR cannot hold, or children of more than one kind.
    case wrongValueType(tag: Tag, vr: VR, reason: String)
    /// An `InlineBinary` that is not base64.
    case invalidInlineBinary(tag: Tag)

    public var description: String {
        switch self {
        case .malformedXML(let offset, let reason):
            "malformed XML at offset \(offset): \(reason)"
        case .depthExceeded(let offset, let limit):
            "XML nested deeper than \(limit) sequences at offset \(offset)"
        case .unsupported(let offset, let feature):
            "unsupported XML at offset \(offset): \(feature)"
        case .unexpectedElement(let name, let context):
            "unexpected <\(name)> in \(context)"
        case .badTag(let text):
            "\"\(text)\" is not a tag (eight hexadecimal digits)"
        case .missingVR(let tag):
            "\(tag): no vr attribute"
        case .unknownVR(let tag, let vr):
            "\(tag): unknown VR \"\(vr)\""
        case .wrongValueType(let tag, let vr, let reason):
            "\(tag) \(vr): \(reason)"
        case .invalidInlineBinary(let tag):
            "\(tag): InlineBinary is not base64"
        }
    }
}
