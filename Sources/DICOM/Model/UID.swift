/// A unique identifier (VR UI): dot-separated numeric components, at most 64 characters (PS3.5 §9.1).
public struct UID: Hashable, Sendable, Comparable {
    public let rawValue: String

    /// Validates the UID syntax: components of digits, no leading zero in a multi-digit
    /// component, no empty component, 64 characters at most.
    public init?(_ text: some StringProtocol) {
        let trimmed = UID.trimmingPadding(text)
        guard UID.isValid(trimmed) else { return nil }
        self.rawValue = trimmed
    }

    /// For UIDs known to be well formed (the generated registry, constants in code).
    public init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    public static func < (lhs: UID, rhs: UID) -> Bool { lhs.rawValue < rhs.rawValue }

    public static func isValid(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= 64 else { return false }
        var componentLength = 0
        var componentStartsWithZero = false
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if componentLength == 0 {
                    componentStartsWithZero = byte == UInt8(ascii: "0")
                } else if componentStartsWithZero {
                    return false
                }
                componentLength += 1
            case UInt8(ascii: "."):
                guard componentLength > 0 else { return false }
                componentLength = 0
            default:
                return false
            }
        }
        return componentLength > 0
    }

    /// UI values are padded with NUL to even length; some writers pad with spaces instead.
    static func trimmingPadding(_ text: some StringProtocol) -> String {
        var end = text.endIndex
        while end > text.startIndex {
            let before = text.index(before: end)
            let character = text[before]
            guard character == "\0" || character == " " else { break }
            end = before
        }
        var start = text.startIndex
        while start < end, text[start] == " " { start = text.index(after: start) }
        return String(text[start..<end])
    }
}

extension UID: CustomStringConvertible {
    public var description: String { rawValue }
}
