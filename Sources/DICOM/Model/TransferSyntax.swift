/// How a data set is encoded: VR explicit or implicit, byte order, deflate, and whether
/// pixel data is encapsulated (PS3.5 §10 and Annex A).
public struct TransferSyntax: Hashable, Sendable {
    public let uid: UID
    public let isExplicitVR: Bool
    public let isLittleEndian: Bool
    /// The whole data set after the file meta information is deflated (PS3.5 A.5).
    public let isDeflated: Bool
    /// Pixel data is a sequence of fragments (PS3.5 A.4), kept as bytes and never decoded here.
    public let isEncapsulated: Bool

    public init(uid: UID, isExplicitVR: Bool, isLittleEndian: Bool, isDeflated: Bool = false, isEncapsulated: Bool) {
        self.uid = uid
        self.isExplicitVR = isExplicitVR
        self.isLittleEndian = isLittleEndian
        self.isDeflated = isDeflated
        self.isEncapsulated = isEncapsulated
    }

    public static let implicitVRLittleEndian = TransferSyntax(
        uid: UID(unchecked: "1.2.840.10008.1.2"), isExplicitVR: false, isLittleEndian: true, isEncapsulated: false)
    public static let explicitVRLittleEndian = TransferSyntax(
        uid: UID(unchecked: "1.2.840.10008.1.2.1"), isExplicitVR: true, isLittleEndian: true, isEncapsulated: false)
    public static let encapsulatedUncompressedExplicitVRLittleEndian = TransferSyntax(
        uid: UID(unchecked: "1.2.840.10008.1.2.1.98"), isExplicitVR: true, isLittleEndian: true, isEncapsulated: true)
    public static let deflatedExplicitVRLittleEndian = TransferSyntax(
        uid: UID(unchecked: "1.2.840.10008.1.2.1.99"), isExplicitVR: true, isLittleEndian: true, isDeflated: true,
        isEncapsulated: false)
    public static let explicitVRBigEndian = TransferSyntax(
        uid: UID(unchecked: "1.2.840.10008.1.2.2"), isExplicitVR: true, isLittleEndian: false, isEncapsulated: false)

    /// The uncompressed syntaxes, which the writer can produce from any decoded data set.
    public static let uncompressed: [TransferSyntax] = [
        .explicitVRLittleEndian, .implicitVRLittleEndian, .explicitVRBigEndian, .deflatedExplicitVRLittleEndian,
    ]

    /// Any transfer syntax this library reads: the uncompressed ones above; every other
    /// UID of the 1.2.840.10008.1.2.x family (JPEG, JPEG-LS, JPEG 2000, RLE, MPEG, HEVC,
    /// HTJ2K, JPEG XL, …) and any private one is explicit VR little endian with
    /// encapsulated pixel data (PS3.5 §10.2, A.4).
    public init(uid: UID) {
        switch uid.rawValue {
        case TransferSyntax.implicitVRLittleEndian.uid.rawValue: self = .implicitVRLittleEndian
        case TransferSyntax.explicitVRLittleEndian.uid.rawValue: self = .explicitVRLittleEndian
        case TransferSyntax.deflatedExplicitVRLittleEndian.uid.rawValue: self = .deflatedExplicitVRLittleEndian
        case TransferSyntax.explicitVRBigEndian.uid.rawValue: self = .explicitVRBigEndian
        default:
            self.init(uid: uid, isExplicitVR: true, isLittleEndian: true, isEncapsulated: true)
        }
    }

    /// Whether pixel data in this syntax is native (not encapsulated) and so can be
    /// re-encoded into another uncompressed syntax.
    public var isUncompressed: Bool { !isEncapsulated }
}
