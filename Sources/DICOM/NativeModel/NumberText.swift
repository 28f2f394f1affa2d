/// Conversions between the text of numbers in DICOM values (DS, IS) and in the JSON and XML
/// models.
enum NumberText {
    /// A DS or IS value as a JSON number (RFC 8259 §6): `+` and leading zeros dropped, a zero
    /// added before a bare `.`, a trailing `.` dropped. Nil when the text is not a decimal number
    /// or overflows a double, so that the caller can fall back to a JSON string, which PS3.18
    /// Table F.2.3-1 allows for DS and IS.
    static func jsonNumber(fromDecimalString text: String) -> [UInt8]? {
        let bytes = text.utf8
        var index = bytes.startIndex
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 2)
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            if bytes[index] == UInt8(ascii: "-") { output.append(UInt8(ascii: "-")) }
            index = bytes.index(after: index)
        }
        var integerDigits = 0
        var significantStarted = false
        while index < bytes.endIndex, isDigit(bytes[index]) {
            if bytes[index] != UInt8(ascii: "0") || significantStarted {
                significantStarted = true
                output.append(bytes[index])
            }
            integerDigits += 1
            index = bytes.index(after: index)
        }
        if !significantStarted { output.append(UInt8(ascii: "0")) }
        var fractionDigits = 0
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            let fractionStart = output.count
            output.append(UInt8(ascii: "."))
            while index < bytes.endIndex, isDigit(bytes[index]) {
                output.append(bytes[index])
                fractionDigits += 1
                index = bytes.index(after: index)
            }
            if fractionDigits == 0 { output.removeSubrange(fractionStart...) }
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            output.append(UInt8(ascii: "e"))
            index = bytes.index(after: index)
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                output.append(bytes[index])
                index = bytes.index(after: index)
            }
            var exponentDigits = 0
            while index < bytes.endIndex, isDigit(bytes[index]) {
                output.append(bytes[index])
                exponentDigits += 1
                index = bytes.index(after: index)
            }
            guard exponentDigits > 0, let value = Double(text), value.isFinite else { return nil }
        }
        guard index == bytes.endIndex else { return nil }
        return output
    }

    /// Whether a DS or IS value is already a JSON number as `jsonNumber(fromDecimalString:)`
    /// writes it, so that it can be copied as it is: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`. Values
    /// with an exponent are not, because they must be checked for overflow.
    static func isPlainJSONNumber(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        let integerDigits = index - integerStart
        guard integerDigits == 1 || (integerDigits > 1 && bytes[integerStart] != UInt8(ascii: "0")) else {
            return false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > fractionStart else { return false }
        }
        return index == bytes.count
    }

    /// An integer from the text of a number: exact for plain digits, otherwise from its double
    /// value if that is integral (some writers put `1.0` or `1e3` for integers).
    static func integer(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: " ")
        if let value = Int64(trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed) { return value }
        guard let value = decimal(trimmed), value == value.rounded(),
            value >= -9_223_372_036_854_775_808, value < 9_223_372_036_854_775_808
        else { return nil }
        return Int64(value)
    }

    static func unsignedInteger(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: " ")
        if let value = UInt64(trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed) { return value }
        guard let value = decimal(trimmed), value == value.rounded(), value >= 0, value < 18_446_744_073_709_551_616
        else { return nil }
        return UInt64(value)
    }

    /// A floating point number from decimal text or from the names of the values JSON numbers
    /// cannot hold (`NaN`, `Infinity`, `-Infinity`, and XML Schema's `INF`, `-INF`).
    static func floatingPoint(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: " ")
        switch trimmed {
        case "NaN": return .nan
        case "Infinity", "INF", "+INF", "+Infinity": return .infinity
        case "-Infinity", "-INF": return -.infinity
        default: return decimal(trimmed)
        }
    }

    /// A decimal number only: Swift's own parser also takes `nan`, `inf` and hexadecimal.
    private static func decimal(_ text: String) -> Double? {
        guard !text.isEmpty,
            text.utf8.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") || "+-eE".utf8.contains($0) })
        else { return nil }
        return Double(text)
    }

    /// Names for the doubles a JSON number cannot hold; nil for finite values.
    static func nonFiniteName(_ value: Double) -> String? {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return nil
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
