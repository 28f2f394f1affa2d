/// The name of a blob in a `BlobStore`: segments of `A-Z a-z 0-9 . _ -` separated by `/`,
/// no empty, `.` or `..` segment, at most 512 bytes. Checked once here, so that no store
/// can be led outside its root by a key (path traversal), whatever builds the key.
public struct BlobKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public static let maximumLength = 512

    public init?(_ rawValue: String) {
        guard BlobKey.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// The segments between slashes.
    public var segments: [Substring] { rawValue.split(separator: "/") }

    public static func < (lhs: BlobKey, rhs: BlobKey) -> Bool { lhs.rawValue < rhs.rawValue }

    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
        var segmentStart = 0
        for index in 0...bytes.count {
            if index == bytes.count || bytes[index] == UInt8(ascii: "/") {
                let segment = bytes[segmentStart..<index]
                if segment.isEmpty || segment.elementsEqual([0x2E]) || segment.elementsEqual([0x2E, 0x2E]) {
                    return false
                }
                segmentStart = index + 1
                continue
            }
            guard isAllowed(bytes[index]) else { return false }
        }
        return true
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
