import DICOM
import Foundation

/// PS3.4 C.2.2.2 matching written out directly over the generated values, so that query
/// expectations don't come from the code under test (no MatchKey, no SQL).
enum ReferenceMatcher {
    static func matches(stored: String?, key: String, vr: VR, caseInsensitive: Bool) -> Bool {
        let values = vr == .UI || !vr.isSingleValuedText ? key.split(separator: "\\").map(String.init) : [key]
        if values.isEmpty || values == ["*"] { return true }
        guard let stored, !stored.isEmpty else { return false }
        switch vr {
        case .UI: return values.contains(stored)
        case .DA, .TM, .DT: return values.contains { rangeMatches(stored: stored, key: $0, vr: vr) }
        case .IS, .US: return values.contains { Int($0) == Int(stored) }
        default:
            let fold = vr == .PN && caseInsensitive
            let text = fold ? stored.uppercased() : stored
            return values.contains { value in
                let pattern = fold ? value.uppercased() : value
                return pattern.contains(where: { $0 == "*" || $0 == "?" })
                    ? glob(Array(pattern), Array(text)) : pattern == text
            }
        }
    }

    /// `*` any run, `?` one character, the rest literal.
    static func glob(_ pattern: [Character], _ text: [Character]) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        switch first {
        case "*":
            return (0...text.count).contains { glob(Array(pattern.dropFirst()), Array(text.dropFirst($0))) }
        case "?":
            return !text.isEmpty && glob(Array(pattern.dropFirst()), Array(text.dropFirst()))
        default:
            return text.first == first && glob(Array(pattern.dropFirst()), Array(text.dropFirst()))
        }
    }

    static func rangeMatches(stored: String, key: String, vr: VR) -> Bool {
        guard let value = interval(stored, vr: vr)?.lowerBound else { return false }
        for (index, character) in key.enumerated() where character == "-" {
            let lower = String(key.prefix(index))
            let upper = String(key.dropFirst(index + 1))
            let lowerInterval = lower.isEmpty ? nil : interval(lower, vr: vr)
            let upperInterval = upper.isEmpty ? nil : interval(upper, vr: vr)
            if lower.isEmpty == (lowerInterval == nil), upper.isEmpty == (upperInterval == nil),
                !(lower + upper).isEmpty
            {
                return (lowerInterval.map { value >= $0.lowerBound } ?? true)
                    && (upperInterval.map { value <= $0.upperBound } ?? true)
            }
        }
        guard let single = interval(key, vr: vr) else { return false }
        return single.contains(value)
    }

    /// The instants a DA, TM or DT value covers, in seconds (since midnight for TM, since
    /// 1970 UTC otherwise).
    static func interval(_ text: String, vr: VR) -> ClosedRange<Double>? {
        switch vr {
        case .TM: return timeInterval(text)
        case .DA:
            guard text.count == 8, let start = instant(text, offsetMinutes: 0) else { return nil }
            return start...(start + 86_400 - 1e-6)
        default: return dateTimeInterval(text)
        }
    }

    static func timeInterval(_ text: String) -> ClosedRange<Double>? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let digits = Array(parts[0])
        guard [2, 4, 6].contains(digits.count), digits.allSatisfy(\.isNumber) else { return nil }
        let numbers = stride(from: 0, to: digits.count, by: 2).compactMap { Int(String(digits[$0...$0 + 1])) }
        var start = Double(
            numbers[0] * 3600 + (numbers.count > 1 ? numbers[1] * 60 : 0) + (numbers.count > 2 ? numbers[2] : 0))
        var span = numbers.count == 1 ? 3600.0 : numbers.count == 2 ? 60 : 1
        if parts.count == 2, let fraction = Double("0." + parts[1]) {
            start += fraction
            span = pow(10, -Double(parts[1].count))
        }
        return start...(start + span - 1e-7)
    }

    static func dateTimeInterval(_ text: String) -> ClosedRange<Double>? {
        var body = text
        var offset = 0
        if let sign = text.dropFirst(4).lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = text[text.index(after: sign)...]
            guard zone.count == 4, let hours = Int(zone.prefix(2)), let minutes = Int(zone.suffix(2)) else {
                return nil
            }
            offset = (hours * 60 + minutes) * (text[sign] == "-" ? -1 : 1)
            body = String(text[..<sign])
        }
        let datePart = String(body.prefix(8))
        let timePart = String(body.dropFirst(8))
        guard [4, 6, 8].contains(datePart.count), datePart.allSatisfy(\.isNumber) else { return nil }
        let padded = datePart + String("0101".suffix(8 - datePart.count))
        guard let dayStart = instant(padded, offsetMinutes: offset) else { return nil }
        if timePart.isEmpty {
            var components = DateComponents()
            switch datePart.count {
            case 4: components.year = 1
            case 6: components.month = 1
            default: components.day = 1
            }
            let start = Date(timeIntervalSince1970: dayStart)
            guard let end = calendar.date(byAdding: components, to: start) else { return nil }
            return dayStart...(end.timeIntervalSince1970 - 1e-6)
        }
        guard let time = timeInterval(timePart) else { return nil }
        return (dayStart + time.lowerBound)...(dayStart + time.upperBound)
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    /// Midnight of a `YYYYMMDD` date at a UTC offset, in seconds since 1970 UTC.
    static func instant(_ date: String, offsetMinutes: Int) -> Double? {
        guard date.count == 8, let year = Int(date.prefix(4)), let month = Int(date.dropFirst(4).prefix(2)),
            let day = Int(date.suffix(2))
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard let midnight = calendar.date(from: components), calendar.component(.day, from: midnight) == day else {
            return nil
        }
        return midnight.timeIntervalSince1970 - Double(offsetMinutes * 60)
    }
}
