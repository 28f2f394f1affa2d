public import DICOM

/// Attributes indexed beyond the catalog, named by configuration (issue 4.3): each at one
/// level, matched and returned like the catalog's own. The index keeps their values in a
/// table of their own (level, entity, tag, value, match key) rather than in columns, so that
/// changing the list needs no schema change.
///
/// An entity's value comes from the instance that created it (the first one stored), as for
/// the catalog's attributes. Entities stored before an attribute was named get their values
/// from the stored metadata at the next start (`Archive.fillExtraAttributes()`).
public enum ExtraAttributes {
    /// Reads `level:attribute` entries separated by commas or white space, the attribute as a
    /// dictionary keyword or eight hex digits (`study:InstitutionName, series:00181030`).
    public static func parse(_ text: String) throws(ExtraAttributeError) -> [IndexedAttribute] {
        var attributes: [IndexedAttribute] = []
        let entries = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace })
        for entry in entries {
            let attribute = try parse(entry: String(entry))
            if let clash = attributes.first(where: { $0.tag == attribute.tag }) {
                guard clash.level == attribute.level else {
                    throw ExtraAttributeError(entry: String(entry), problem: "named at two levels")
                }
                continue
            }
            attributes.append(attribute)
        }
        return attributes
    }

    private static func parse(entry: String) throws(ExtraAttributeError) -> IndexedAttribute {
        let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw ExtraAttributeError(entry: entry, problem: "not level:attribute")
        }
        let levelText = parts[0].uppercased()
        guard let level = QueryLevel(rawValue: levelText == "INSTANCE" ? "IMAGE" : levelText) else {
            throw ExtraAttributeError(entry: entry, problem: "the level is one of patient, study, series, instance")
        }
        let name = parts[1].filter { $0 != "(" && $0 != ")" && $0 != "," }
        let found =
            Tag(hexString: name).flatMap { DataDictionary.entry(for: $0) }
            ?? DataDictionary.entry(forKeyword: parts[1])
        guard let dictionaryEntry = found else {
            throw ExtraAttributeError(entry: entry, problem: "'\(parts[1])' is not in the data dictionary")
        }
        return try attribute(dictionaryEntry, level: level)
    }

    private static func attribute(
        _ entry: DictionaryEntry, level: QueryLevel
    ) throws(ExtraAttributeError) -> IndexedAttribute {
        let description = "\(level.rawValue.lowercased()):\(entry.keyword)"
        guard AttributeCatalog.attribute(for: entry.tag) == nil, ComputedAttribute(tag: entry.tag) == nil else {
            throw ExtraAttributeError(entry: description, problem: "indexed already")
        }
        guard let kind = kind(of: entry.vr) else {
            throw ExtraAttributeError(
                entry: description, problem: "a \(entry.vr) value can't be indexed (sequences and binary values can't)")
        }
        return IndexedAttribute(entry.tag, entry.keyword, level, kind)
    }

    /// How values of a VR match (PS3.4 C.2.2.2); nil for what no key can match on.
    public static func kind(of vr: VR) -> MatchingKind? {
        switch vr {
        case .PN: .personName
        case .DA: .date
        case .TM: .time
        case .DT: .dateTime
        case .UI: .uid
        case .IS, .SS, .US, .SL, .UL, .SV, .UV: .integer
        case .AE, .AS, .CS, .DS, .LO, .LT, .SH, .ST, .UC, .UR, .UT: .text
        default: nil
        }
    }
}

/// An extra indexed attribute the configuration names wrongly.
public struct ExtraAttributeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var entry: String
    public var problem: String

    public var description: String { "'\(entry)': \(problem)" }
}
