import Archive
import DICOM

/// A QIDO-RS search (PS3.18 8.3.4, 10.6) read from its query parameters: the C-FIND-style
/// identifier the archive's query engine takes, the window, and the warnings the response
/// carries. Every malformed parameter is a `QIDORequestError` with a reason for the client.
struct QIDORequest: Sendable {
    var level: QueryLevel
    var identifier: DataSet
    /// nil when the client gave none; never above the archive's maximum.
    var limit: Int?
    var offset: Int
    /// The client asked for more than the archive answers at once.
    var limitCapped: Bool
    var includeRetrieveURL: Bool
    var includeAvailability: Bool
    /// Texts for `Warning: 299` headers.
    var warnings: [String]

    /// - Parameters:
    ///   - scope: the UIDs of the path (`/studies/{study}/series`), matched like parameters.
    init(
        level: QueryLevel, parameters: [(name: String, value: String)], scope: [Tag: String],
        maximumResults: Int, extraAttributes: [IndexedAttribute] = []
    ) throws(QIDORequestError) {
        self.level = level
        limit = nil
        offset = 0
        limitCapped = false
        warnings = []
        var matches: [(Tag, String)] = scope.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var includes: [Tag] = []
        var includeAll = false
        var unsupportedMatches: [String] = []
        for (name, value) in parameters {
            switch name {
            case "limit":
                (limit, limitCapped) = try QIDORequest.limit(value, maximum: maximumResults)
            case "offset":
                guard let number = Int(value), number >= 0 else {
                    throw .invalidParameter(name, value, reason: "offset must be a non-negative integer")
                }
                offset = number
            case "includefield":
                for field in value.split(separator: ",").map({ $0.trimmingSpaces() }) where !field.isEmpty {
                    if field == "all" {
                        includeAll = true
                    } else {
                        includes.append(try QIDORequest.tag(named: field, parameter: name))
                    }
                }
            case "fuzzymatching":
                guard value == "true" || value == "false" else {
                    throw .invalidParameter(name, value, reason: "fuzzymatching must be true or false")
                }
                if value == "true" {
                    warnings.append(
                        "The fuzzymatching parameter is not supported. Only literal matching has been performed.")
                }
            default:
                if name.contains(".") {
                    // Sequence matching (PS3.18 8.3.4.1): the index keeps no sequences.
                    unsupportedMatches.append(name)
                    continue
                }
                let tag = try QIDORequest.tag(named: name, parameter: name)
                guard QIDODefaults.isMatchable(tag, level: level, extraAttributes: extraAttributes) else {
                    unsupportedMatches.append(name)
                    continue
                }
                matches.append((tag, value))
            }
        }
        if !unsupportedMatches.isEmpty {
            warnings.append(
                "The following attributes are not supported as matching keys and were ignored: "
                    + unsupportedMatches.joined(separator: ", "))
        }
        let scopedToStudy = scope[.studyInstanceUID] != nil
        let scopedToSeries = scope[.seriesInstanceUID] != nil
        var returnKeys = QIDODefaults.returnKeys(
            level: level, scopedToStudy: scopedToStudy, scopedToSeries: scopedToSeries)
        if includeAll { returnKeys += QIDODefaults.all(level: level, extraAttributes: extraAttributes) }
        returnKeys += includes
        let unsupportedIncludes = includes.filter {
            !QIDODefaults.isReturnable($0, level: level, extraAttributes: extraAttributes)
                && !QIDODefaults.synthesized.contains($0)
        }
        if !unsupportedIncludes.isEmpty {
            warnings.append(
                "The following includefield attributes are not supported and were not returned: "
                    + unsupportedIncludes.map(\.hexString).joined(separator: ", "))
        }
        includeRetrieveURL = returnKeys.contains(.retrieveURL)
        includeAvailability = returnKeys.contains(.instanceAvailability)
        identifier = try QIDORequest.identifier(
            level: level, matches: matches,
            returnKeys: returnKeys.filter {
                QIDODefaults.isReturnable($0, level: level, extraAttributes: extraAttributes)
            })
    }

    /// A `limit` value: a positive integer; one above `maximum` (or too large to be a
    /// number at all) is capped, which the response says in a warning.
    static func limit(_ value: String, maximum: Int) throws(QIDORequestError) -> (Int, capped: Bool) {
        guard !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalidParameter("limit", value, reason: "limit must be a positive integer")
        }
        guard let number = Int(value) else { return (maximum, true) }
        guard number > 0 else { throw .invalidParameter("limit", value, reason: "limit must be a positive integer") }
        return number > maximum ? (maximum, true) : (number, false)
    }

    /// An attribute named by keyword (`PatientName`) or tag (`00100010`).
    static func tag(named name: String, parameter: String) throws(QIDORequestError) -> Tag {
        if name.count == 8, let tag = Tag(hexString: name) { return tag }
        if let entry = DataDictionary.entry(forKeyword: name), !entry.keyword.isEmpty { return entry.tag }
        throw .invalidParameter(parameter, name, reason: "'\(name)' is neither a DICOM keyword nor a tag")
    }

    /// The identifier: Query/Retrieve Level, each matching key with its value, each return
    /// key empty. UID lists may be separated by commas or backslashes (PS3.18 8.3.4.1).
    static func identifier(
        level: QueryLevel, matches: [(Tag, String)], returnKeys: [Tag]
    ) throws(QIDORequestError) -> DataSet {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, vr: .CS, string: level.rawValue)
        for (tag, value) in matches {
            let vr = DataDictionary.entry(for: tag)?.vr ?? .UN
            let values =
                vr == .UI
                ? value.split(whereSeparator: { $0 == "," || $0 == "\\" }).map { String($0).trimmingSpaces() }
                : value.split(separator: "\\", omittingEmptySubsequences: false).map(String.init)
            if [.US, .SS, .UL, .SL, .SV, .UV].contains(vr) {
                var numbers: [Int] = []
                for text in values {
                    guard let number = Int(text.trimmingSpaces()) else {
                        throw .invalidParameter(tag.hexString, value, reason: "not an integer")
                    }
                    numbers.append(number)
                }
                identifier.set(tag, vr: vr, integers: numbers)
            } else {
                identifier.set(tag, vr: vr, strings: values)
            }
        }
        for tag in returnKeys where !identifier.contains(tag) {
            let vr = DataDictionary.entry(for: tag)?.vr ?? .UN
            identifier.set(tag, vr: vr, strings: [])
        }
        return identifier
    }
}

/// Why a QIDO-RS request was refused (400).
enum QIDORequestError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidParameter(String, String, reason: String)

    var description: String {
        switch self {
        case .invalidParameter(let name, let value, let reason): "query parameter \(name)=\(value): \(reason)"
        }
    }
}
