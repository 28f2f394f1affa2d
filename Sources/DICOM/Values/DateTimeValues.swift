/// A date (VR DA): `YYYYMMDD`; the ACR-NEMA form `YYYY.MM.DD` is read too (PS3.5 §6.2).
public struct DicomDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (0...9999).contains(year), (1...12).contains(month),
            (1...DicomDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public init?(_ text: some StringProtocol) {
        let digits = Array(text.utf8)
        let compact: [UInt8]
        if digits.count == 10, digits[4] == UInt8(ascii: "."), digits[7] == UInt8(ascii: ".") {
            compact = Array(digits[0..<4] + digits[5..<7] + digits[8..<10])
        } else {
            compact = digits
        }
        guard compact.count == 8, let year = DigitParser.number(compact[0..<4]),
            let month = DigitParser.number(compact[4..<6]), let day = DigitParser.number(compact[6..<8])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var description: String {
        DigitParser.padded(year, 4) + DigitParser.padded(month, 2) + DigitParser.padded(day, 2)
    }

    public static func < (lhs: DicomDate, rhs: DicomDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A time (VR TM): `HH[MM[SS[.F{1-6}]]]`; the ACR-NEMA form `HH:MM:SS.frac` is read too.
public struct DicomTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int?
    public let second: Int?
    /// Fraction of a second in microseconds, with the number of digits it was written with.
    public let microsecond: Int?
    let fractionDigits: Int

    public init?(hour: Int, minute: Int? = nil, second: Int? = nil, microsecond: Int? = nil) {
        guard (0...23).contains(hour) else { return nil }
        if let minute { guard (0...59).contains(minute) else { return nil } }
        // 60 allows a leap second, as PS3.5 does.
        if let second { guard minute != nil, (0...60).contains(second) else { return nil } }
        if let microsecond { guard second != nil, (0...999_999).contains(microsecond) else { return nil } }
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.fractionDigits = microsecond == nil ? 0 : 6
    }

    public init?(_ text: some StringProtocol) {
        var bytes = Array(text.utf8).filter { $0 != UInt8(ascii: ":") }
        var fraction: [UInt8] = []
        if let dot = bytes.firstIndex(of: UInt8(ascii: ".")) {
            fraction = Array(bytes[(dot + 1)...])
            bytes = Array(bytes[..<dot])
            guard bytes.count == 6, (1...6).contains(fraction.count) else { return nil }
        }
        guard [2, 4, 6].contains(bytes.count), let hour = DigitParser.number(bytes[0..<2]) else { return nil }
        let minute = bytes.count >= 4 ? DigitParser.number(bytes[2..<4]) : nil
        let second = bytes.count >= 6 ? DigitParser.number(bytes[4..<6]) : nil
        if bytes.count >= 4, minute == nil { return nil }
        if bytes.count >= 6, second == nil { return nil }
        var microsecond: Int?
        if !fraction.isEmpty {
            guard let value = DigitParser.number(fraction[...]) else { return nil }
            var scaled = value
            for _ in fraction.count..<6 { scaled *= 10 }
            microsecond = scaled
        }
        guard let time = DicomTime(hour: hour, minute: minute, second: second, microsecond: microsecond) else {
            return nil
        }
        self = time.withFractionDigits(fraction.count)
    }

    private init(copying time: DicomTime, fractionDigits: Int) {
        self.hour = time.hour
        self.minute = time.minute
        self.second = time.second
        self.microsecond = time.microsecond
        self.fractionDigits = fractionDigits
    }

    private func withFractionDigits(_ digits: Int) -> DicomTime {
        DicomTime(copying: self, fractionDigits: digits)
    }

    public var description: String {
        var text = DigitParser.padded(hour, 2)
        if let minute { text += DigitParser.padded(minute, 2) }
        if let second { text += DigitParser.padded(second, 2) }
        if let microsecond {
            let digits = DigitParser.padded(microsecond, 6)
            text += "." + digits.prefix(max(fractionDigits, 1))
        }
        return text
    }

    /// Seconds since midnight, with missing components as zero.
    public var secondsSinceMidnight: Double {
        Double(hour * 3600 + (minute ?? 0) * 60 + (second ?? 0)) + Double(microsecond ?? 0) / 1_000_000
    }

    public static func < (lhs: DicomTime, rhs: DicomTime) -> Bool {
        lhs.secondsSinceMidnight < rhs.secondsSinceMidnight
    }
}

/// A date-time (VR DT): `YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&ZZXX]` (PS3.5 §6.2).
public struct DicomDateTime: Sendable, Hashable, CustomStringConvertible {
    public let year: Int
    public let month: Int?
    public let day: Int?
    public let time: DicomTime?
    /// UTC offset in minutes, when the value carries one.
    public let utcOffsetMinutes: Int?
    private let text: String

    public init?(_ value: some StringProtocol) {
        var body = Substring(value)
        var offset: Int?
        if let signIndex = body.lastIndex(where: { $0 == "+" || $0 == "-" }), signIndex != body.startIndex {
            let zone = Array(body[body.index(after: signIndex)...].utf8)
            guard zone.count == 4, let hours = DigitParser.number(zone[0..<2]),
                let minutes = DigitParser.number(zone[2..<4]), hours <= 14, minutes < 60
            else { return nil }
            offset = (hours * 60 + minutes) * (body[signIndex] == "-" ? -1 : 1)
            body = body[..<signIndex]
        }
        let bytes = Array(body.utf8)
        let datePart = bytes.prefix(8)
        guard [4, 6, 8].contains(datePart.count) || bytes.count > 8,
            let year = DigitParser.number(datePart.prefix(4)), datePart.count >= 4
        else { return nil }
        let month = datePart.count >= 6 ? DigitParser.number(datePart[4..<6]) : nil
        let day = datePart.count >= 8 ? DigitParser.number(datePart[6..<8]) : nil
        if datePart.count >= 6 { guard let month, (1...12).contains(month) else { return nil } }
        if datePart.count >= 8 {
            guard let month, let day, (1...DicomDate.daysIn(month: month, year: year)).contains(day) else {
                return nil
            }
        }
        var time: DicomTime?
        if bytes.count > 8 {
            guard let parsed = DicomTime(String(decoding: bytes[8...], as: UTF8.self)) else { return nil }
            time = parsed
        }
        self.year = year
        self.month = month
        self.day = day
        self.time = time
        self.utcOffsetMinutes = offset
        self.text = String(value)
    }

    public var description: String { text }
}

/// An age (VR AS): three digits and a unit, `D`, `W`, `M` or `Y` (PS3.5 §6.2).
public struct AgeString: Sendable, Hashable, CustomStringConvertible {
    public enum Unit: Character, Sendable {
        case days = "D"
        case weeks = "W"
        case months = "M"
        case years = "Y"
    }
    public let value: Int
    public let unit: Unit

    public init?(_ text: some StringProtocol) {
        let trimmed = text.trimmingCharacters(in: " \0")
        let bytes = Array(trimmed.utf8)
        guard bytes.count == 4, let value = DigitParser.number(bytes[0..<3]),
            let unit = Unit(rawValue: Character(Unicode.Scalar(bytes[3])))
        else { return nil }
        self.value = value
        self.unit = unit
    }

    public var description: String { DigitParser.padded(value, 3) + String(unit.rawValue) }
}

/// Small helpers for the fixed-width digit fields of DA, TM, DT and AS.
enum DigitParser {
    static func number(_ digits: some Collection<UInt8>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension StringProtocol {
    /// Trims any of the given characters from both ends.
    func trimmingCharacters(in set: String) -> String {
        var start = startIndex
        var end = endIndex
        while start < end, set.contains(self[start]) { start = index(after: start) }
        while end > start, set.contains(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
