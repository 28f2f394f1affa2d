#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Integer String (VR IS): an optionally signed decimal integer in −2³¹…2³¹−1, 12 bytes at most.
public enum IntegerString {
    public static func parse(_ text: some StringProtocol) -> Int? {
        let trimmed = text.trimmingCharacters(in: " \0")
        guard !trimmed.isEmpty, let value = Int(trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed),
            value >= Int(Int32.min), value <= Int(Int32.max)
        else { return nil }
        return value
    }

    public static func isValid(_ text: some StringProtocol) -> Bool {
        text.utf8.count <= 12 && parse(text) != nil
    }
}

/// Decimal String (VR DS): a fixed or floating point number in ASCII, 16 bytes at most.
public enum DecimalString {
    public static func parse(_ text: some StringProtocol) -> Double? {
        let trimmed = text.trimmingCharacters(in: " \0")
        guard !trimmed.isEmpty,
            trimmed.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || "+-.eE".utf8.contains($0) }),
            let value = Double(trimmed), value.isFinite
        else { return nil }
        return value
    }

    public static func isValid(_ text: some StringProtocol) -> Bool {
        text.utf8.count <= 16 && parse(text) != nil
    }

    /// The shortest text of at most 16 characters that reads back as the value, or as
    /// close to it as 16 characters allow.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        let shortest = String(value)
        if shortest.utf8.count <= 16 { return shortest }
        for digits in stride(from: 15, through: 1, by: -1) {
            let candidate = formatted(value, significantDigits: digits)
            if candidate.utf8.count <= 16 { return candidate }
        }
        return String(Int(value.rounded()))
    }

    private static func formatted(_ value: Double, significantDigits: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 40)
        let written = withVaList([value]) { arguments in
            buffer.withUnsafeMutableBufferPointer { target in
                vsnprintf(target.baseAddress, target.count, "%.\(significantDigits)G", arguments)
            }
        }
        guard written > 0 else { return "" }
        return String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
