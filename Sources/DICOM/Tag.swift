/// A data element tag: (group, element), PS3.5 §7.1.
///
/// Ordered by group then element, which is the order of elements in an encoded data set.
public struct Tag: Hashable, Comparable, Sendable {
    public let group: UInt16
    public let element: UInt16

    @inlinable
    public init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    /// The tag as the 32-bit number `ggggeeee`.
    @inlinable
    public init(rawValue: UInt32) {
        self.group = UInt16(truncatingIfNeeded: rawValue >> 16)
        self.element = UInt16(truncatingIfNeeded: rawValue)
    }

    @inlinable
    public var rawValue: UInt32 { UInt32(group) << 16 | UInt32(element) }

    @inlinable
    public static func < (lhs: Tag, rhs: Tag) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Odd groups other than 0001, 0003, 0005, 0007 and FFFF are private (PS3.5 §7.8.1).
    public var isPrivate: Bool {
        group & 1 == 1 && group > 0x0007 && group != 0xFFFF
    }

    /// (gggg,0010)–(gggg,00FF) in a private group reserve a block of elements.
    public var isPrivateCreator: Bool {
        isPrivate && element >= 0x0010 && element <= 0x00FF
    }

    /// For a private data element (gggg,xxyy), the creator element (gggg,00xx) that reserves it.
    public var privateCreatorTag: Tag? {
        guard isPrivate, element >= 0x1000 else { return nil }
        return Tag(group, element >> 8)
    }

    /// Group length elements (gggg,0000), retired outside group 0002.
    public var isGroupLength: Bool { element == 0x0000 }

    /// Item, item delimitation and sequence delimitation tags live in group FFFE.
    public var isDelimiter: Bool { group == 0xFFFE }

    public static let item = Tag(0xFFFE, 0xE000)
    public static let itemDelimitationItem = Tag(0xFFFE, 0xE00D)
    public static let sequenceDelimitationItem = Tag(0xFFFE, 0xE0DD)
}

extension Tag: CustomStringConvertible {
    /// `(0010,0010)`, the notation of the standard and of dcmdump.
    public var description: String {
        "(\(Tag.hex4(group)),\(Tag.hex4(element)))"
    }

    /// `00100010`, the notation of the DICOM JSON model.
    public var hexString: String { Tag.hex4(group) + Tag.hex4(element) }

    static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// Parses `ggggeeee`, `(gggg,eeee)` or `gggg,eeee`, in hexadecimal.
    public init?(hexString text: some StringProtocol) {
        let hex = String(text.filter { $0.isHexDigit })
        guard hex.count == 8, text.allSatisfy({ $0.isHexDigit || "(),".contains($0) }) else { return nil }
        guard let raw = UInt32(hex, radix: 16) else { return nil }
        self.init(rawValue: raw)
    }
}
