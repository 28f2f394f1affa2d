/// Why a data set could not be encoded.
public enum DICOMWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Encapsulated pixel data can only be written in an encapsulated transfer syntax; this
    /// library does not decode or encode pixel data.
    case encapsulatedPixelDataNeedsEncapsulatedSyntax(transferSyntax: UID)
    /// Native pixel data can't be put in an encapsulated syntax without compressing it.
    case nativePixelDataInEncapsulatedSyntax(transferSyntax: UID)
    /// A value longer than its length field can say.
    case valueTooLong(tag: Tag, length: Int)
    case deflateFailed

    public var description: String {
        switch self {
        case .encapsulatedPixelDataNeedsEncapsulatedSyntax(let uid):
            "encapsulated pixel data cannot be written in transfer syntax \(uid), which is not encapsulated"
        case .nativePixelDataInEncapsulatedSyntax(let uid):
            "native pixel data cannot be written in encapsulated transfer syntax \(uid) without compressing it"
        case .valueTooLong(let tag, let length):
            "value of \(tag) is \(length) bytes, more than its length field can hold"
        case .deflateFailed:
            "zlib could not deflate the data set"
        }
    }
}
