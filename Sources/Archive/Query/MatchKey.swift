import DICOM

/// The normalised forms that range and case-insensitive matching compare, computed the same
/// way at ingest (the stored key) and at query time (the bounds), by every `IndexStore`.
///
/// - DA: `YYYYMMDD` (the ACR-NEMA form `YYYY.MM.DD` normalised).
/// - TM: microseconds since midnight, as 11 zero-padded digits.
/// - DT: microseconds since 0000-01-01T00:00 UTC, as 18 zero-padded digits; a value without
///   a UTC offset is taken as UTC, since the archive knows no better (PS3.4 C.2.2.2.5 asks
///   for the offset to be honoured where present).
/// - PN: the value in upper case (Unicode default case mapping).
///
/// Fixed-width digits make text order equal to time order, so a B-tree index answers ranges.
public enum MatchKey {
    /// The key stored for a value, nil when the value doesn't parse (it then matches no range).
    public static func key(for value: String, kind: MatchingKind) -> String? {
        switch kind {
        case .personName: fold(value)
        case .date: DicomDate(value).map(\.description)
        case .time: timeBounds(value)?.lower
        case .dateTime: dateTimeBounds(value)?.lower
        case .text, .uid, .integer: nil
        }
    }

    /// Case folding for person names.
    public static func fold(_ value: String) -> String { value.uppercased() }

    /// The first and last instants a time value of its precision covers: `1030` is
    /// 10:30:00.000000 to 10:30:59.999999.
    public static func timeBounds(_ value: String) -> (lower: String, upper: String)? {
        guard let time = DicomTime(value) else { return nil }
        let (start, span) = timeSpan(time, fractionDigits: fractionDigits(of: value))
        return (padded(start, 11), padded(start + span - 1, 11))
    }

    /// The first and last instants a date-time value of its precision covers, in UTC.
    public static func dateTimeBounds(_ value: String) -> (lower: String, upper: String)? {
        guard let dateTime = DicomDateTime(value) else { return nil }
        let offset = (dateTime.utcOffsetMinutes ?? 0) * 60_000_000
        let year = dateTime.year
        let firstDay = daysSinceYearZero(year: year, month: dateTime.month ?? 1, day: dateTime.day ?? 1)
        let start: Int
        let end: Int
        if let time = dateTime.time {
            let (timeStart, span) = timeSpan(time, fractionDigits: fractionDigits(of: value))
            start = firstDay * microsecondsPerDay + timeStart - offset
            end = start + span - 1
        } else {
            let nextDay: Int
            if dateTime.day != nil {
                nextDay = firstDay + 1
            } else if let month = dateTime.month {
                nextDay =
                    month == 12
                    ? daysSinceYearZero(year: year + 1, month: 1, day: 1)
                    : daysSinceYearZero(year: year, month: month + 1, day: 1)
            } else {
                nextDay = daysSinceYearZero(year: year + 1, month: 1, day: 1)
            }
            start = firstDay * microsecondsPerDay - offset
            end = nextDay * microsecondsPerDay - 1 - offset
        }
        guard start >= 0 else { return nil }
        return (padded(start, 18), padded(end, 18))
    }

    /// Start in microseconds since midnight, and how many microseconds the value's precision spans.
    private static func timeSpan(_ time: DicomTime, fractionDigits: Int) -> (start: Int, span: Int) {
        let start =
            ((time.hour * 60 + (time.minute ?? 0)) * 60 + (time.second ?? 0)) * 1_000_000 + (time.microsecond ?? 0)
        if time.minute == nil { return (start, 3_600_000_000) }
        if time.second == nil { return (start, 60_000_000) }
        if time.microsecond == nil { return (start, 1_000_000) }
        return (start, power10(6 - fractionDigits))
    }

    private static let microsecondsPerDay = 86_400_000_000

    /// Digits after the decimal point of a TM or DT value (before any UTC offset).
    private static func fractionDigits(of value: String) -> Int {
        guard let dot = value.firstIndex(of: ".") else { return 0 }
        return value[value.index(after: dot)...].prefix(while: \.isNumber).count
    }

    private static func power10(_ exponent: Int) -> Int {
        var result = 1
        for _ in 0..<max(0, exponent) { result *= 10 }
        return result
    }

    /// Days from 0000-03-01-based civil calendar arithmetic (proleptic Gregorian), shifted
    /// so that 0000-01-01 is day 0 and every later date is positive.
    static func daysSinceYearZero(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        // era * 146097 + dayOfEra counts from 0000-03-01; 0000-01-01 is 60 days earlier
        // (year 0 is a leap year).
        return era * 146_097 + dayOfEra + 60
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
