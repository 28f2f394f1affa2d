extension Unicode.Scalar {
    /// What pydicom's "replace" fallback puts where bytes make no character.
    static let replacement: Unicode.Scalar = "\u{FFFD}"
}

extension [UInt8] {
    /// Decoders collect UTF-8 and make one String at the end, rather than appending
    /// characters to a String one by one.
    mutating func appendUTF8(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        switch value {
        case 0..<0x80:
            append(UInt8(truncatingIfNeeded: value))
        case 0x80..<0x800:
            append(0xC0 | UInt8(truncatingIfNeeded: value >> 6))
            append(0x80 | UInt8(truncatingIfNeeded: value) & 0x3F)
        case 0x800..<0x10000:
            append(0xE0 | UInt8(truncatingIfNeeded: value >> 12))
            append(0x80 | UInt8(truncatingIfNeeded: value >> 6) & 0x3F)
            append(0x80 | UInt8(truncatingIfNeeded: value) & 0x3F)
        default:
            append(0xF0 | UInt8(truncatingIfNeeded: value >> 18))
            append(0x80 | UInt8(truncatingIfNeeded: value >> 12) & 0x3F)
            append(0x80 | UInt8(truncatingIfNeeded: value >> 6) & 0x3F)
            append(0x80 | UInt8(truncatingIfNeeded: value) & 0x3F)
        }
    }
}
