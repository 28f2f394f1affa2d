import Archive
import DICOM

/// An `ArchiveQuery` as SQL: the joins up from the query level, a WHERE clause with one
/// predicate per matching key, and the select list of the requested attributes. Values are
/// always bound as parameters; only names from the catalog are spliced into the text.
struct QuerySQL {
    var whereClauses: [String] = []
    var binds: [SQLiteData] = []

    init(_ query: ArchiveQuery) {
        for match in query.matches {
            add(match, caseInsensitive: query.caseInsensitivePersonNames)
        }
    }

    /// The level's table joined to the tables of the levels above it.
    static func from(_ level: QueryLevel) -> String {
        var text = "\(Columns.table(level)) \(Columns.alias(level))"
        var child = level
        while let parent = QueryLevel.allCases.last(where: { $0 < child }) {
            let foreignKey = Columns.foreignKey(to: parent)
            text += " JOIN \(Columns.table(parent)) \(Columns.alias(parent))"
            text += " ON \(Columns.alias(parent)).pk = \(Columns.alias(child)).\(foreignKey)"
            child = parent
        }
        return text
    }

    private mutating func add(_ match: KeyMatch, caseInsensitive: Bool) {
        switch match.target {
        case .attribute(let attribute):
            whereClauses.append(
                predicate(
                    match.rule, attribute: attribute, column: Columns.qualified(attribute),
                    keyColumn: Columns.qualifiedKey(attribute), caseInsensitive: caseInsensitive))
        case .extra(let attribute):
            let inner = predicate(
                match.rule.comparingIntegersAsText, attribute: attribute, column: "x.value",
                keyColumn: "x.value_key", caseInsensitive: caseInsensitive)
            whereClauses.append(ExtraValues.matching(attribute, predicate: inner))
        case .anyDescendant(let attribute):
            // ModalitiesInStudy and SOPClassesInStudy: some series (or instance) of the study.
            let inner = predicate(
                match.rule, attribute: attribute, column: "x." + Columns.column(attribute),
                keyColumn: "x." + Columns.keyColumn(attribute), caseInsensitive: caseInsensitive)
            if attribute.level == .series {
                whereClauses.append("EXISTS (SELECT 1 FROM series x WHERE x.study_pk = st.pk AND \(inner))")
            } else {
                whereClauses.append(
                    "EXISTS (SELECT 1 FROM instances x JOIN series xs ON xs.pk = x.series_pk "
                        + "WHERE xs.study_pk = st.pk AND \(inner))")
            }
        }
    }

    private mutating func predicate(
        _ rule: MatchRule, attribute: IndexedAttribute, column: String, keyColumn: String, caseInsensitive: Bool
    ) -> String {
        let folds = attribute.kind == .personName && caseInsensitive
        switch rule {
        case .single(let value):
            binds.append(.text(folds ? MatchKey.fold(value) : value))
            return "\(folds ? keyColumn : column) = ?"
        case .wildcard(let pattern):
            binds.append(.text(Self.glob(folds ? MatchKey.fold(pattern) : pattern)))
            return "\(folds ? keyColumn : column) GLOB ?"
        case .uidList(let values):
            binds.append(.text(Self.jsonArray(values)))
            return "\(column) IN (SELECT value FROM json_each(?))"
        case .integer(let value):
            binds.append(.integer(value))
            return "\(column) = ?"
        case .range(let lower, let upper):
            var parts: [String] = []
            if let lower {
                binds.append(.text(lower))
                parts.append("\(keyColumn) >= ?")
            }
            if let upper {
                binds.append(.text(upper))
                parts.append("\(keyColumn) <= ?")
            }
            return parts.isEmpty ? "\(keyColumn) IS NOT NULL" : "(" + parts.joined(separator: " AND ") + ")"
        case .anyOf(let rules):
            let parts = rules.map {
                predicate(
                    $0, attribute: attribute, column: column, keyColumn: keyColumn, caseInsensitive: caseInsensitive)
            }
            return "(" + parts.joined(separator: " OR ") + ")"
        }
    }

    /// A DICOM wild card pattern as a GLOB pattern: `*` and `?` mean the same in both; `[`,
    /// GLOB's only other special character, becomes the class `[[]` that matches itself.
    static func glob(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: "[", with: "[[]")
    }

    /// Strings as a JSON array, for `json_each`: one parameter for a list of any length.
    static func jsonArray(_ values: [String]) -> String {
        var text = "["
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            text += "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
            text += "\""
        }
        return text + "]"
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
