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

    /// The shortest text of at most 16 characters that reads back as the value, or nearly.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        let text = String(value)
        if text.utf8.count <= 16 { return text }
        for precision in stride(from: 15, through: 1, by: -1) {
            let candidate = formatted(value, significantDigits: precision)
            if candidate.utf8.count <= 16 { return candidate }
        }
        return String(Int(value.rounded()))
    }

    private static func formatted(_ value: Double, significantDigits: Int) -> String {
        guard value != 0 else { return "0" }
        let exponent = Int((abs(value)).log10Floor)
        let scale = pow10(significantDigits - 1 - exponent)
        let rounded = (value * scale).rounded() / scale
        let text = String(rounded)
        return text
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        if exponent >= 0 { for _ in 0..<exponent { result *= 10 } } else { for _ in 0..<(-exponent) { result /= 10 } }
        return result
    }
}

extension Double {
    fileprivate var log10Floor: Double {
        var exponent = 0.0
        var magnitude = self
        if magnitude >= 1 {
            while magnitude >= 10 { magnitude /= 10; exponent += 1 }
        } else {
            while magnitude < 1, magnitude > 0 { magnitude *= 10; exponent -= 1 }
        }
        return exponent
    }
}
