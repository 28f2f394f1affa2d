/// The moment a request is signed, as the two texts SigV4 uses: `20130524T000000Z` (the
/// `x-amz-date` header) and `20130524` (the credential scope). Computed from seconds since
/// 1970 with the civil-from-days algorithm, so no date formatter or locale is involved.
struct SigV4Timestamp: Sendable, Hashable {
    let dateTime: String
    let date: String

    init(secondsSince1970 seconds: Double) {
        let whole = Int64(seconds.rounded(.down))
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secondsOfDay = whole - days * 86_400
        // Howard Hinnant's days → (year, month, day).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func padded(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        date = padded(year, 4) + padded(month, 2) + padded(day, 2)
        dateTime =
            date + "T" + padded(secondsOfDay / 3600, 2) + padded(secondsOfDay / 60 % 60, 2)
            + padded(secondsOfDay % 60, 2) + "Z"
    }
}
