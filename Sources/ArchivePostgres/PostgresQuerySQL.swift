import Archive
import DICOM
import PostgresNIO

/// An `ArchiveQuery` as PostgreSQL: the joins up from the query level, a WHERE clause with
/// one predicate per matching key, and the parameters they bind (`$1`, `$2`… in order).
/// Values are always bound; only names from the catalog are spliced into the text.
struct PostgresQuerySQL {
    var whereClauses: [String] = []
    var binds = PostgresBindings()

    init(_ query: ArchiveQuery) {
        for match in query.matches {
            add(match, caseInsensitive: query.caseInsensitivePersonNames)
        }
    }

    /// The placeholder of a new parameter.
    mutating func bind(_ value: PostgresColumns.Value) -> String {
        value.append(to: &binds)
        return "$\(binds.count)"
    }

    /// The level's table joined to the tables of the levels above it.
    static func from(_ level: QueryLevel) -> String {
        var text = "\(PostgresColumns.table(level)) \(PostgresColumns.alias(level))"
        var child = level
        while let parent = QueryLevel.allCases.last(where: { $0 < child }) {
            let foreignKey = PostgresColumns.foreignKey(to: parent)
            text += " JOIN \(PostgresColumns.table(parent)) \(PostgresColumns.alias(parent))"
            text += " ON \(PostgresColumns.alias(parent)).pk = \(PostgresColumns.alias(child)).\(foreignKey)"
            child = parent
        }
        return text
    }

    private mutating func add(_ match: KeyMatch, caseInsensitive: Bool) {
        switch match.target {
        case .attribute(let attribute):
            whereClauses.append(
                predicate(
                    match.rule, attribute: attribute, column: PostgresColumns.qualified(attribute),
                    keyColumn: PostgresColumns.qualifiedKey(attribute), caseInsensitive: caseInsensitive))
        case .extra(let attribute):
            let inner = predicate(
                match.rule.comparingIntegersAsText, attribute: attribute, column: "x.value",
                keyColumn: "x.value_key", caseInsensitive: caseInsensitive)
            whereClauses.append(PostgresExtraValues.matching(attribute, predicate: inner))
        case .anyDescendant(let attribute):
            // ModalitiesInStudy and SOPClassesInStudy: some series (or instance) of the study.
            let inner = predicate(
                match.rule, attribute: attribute, column: "x." + PostgresColumns.column(attribute),
                keyColumn: "x." + PostgresColumns.keyColumn(attribute), caseInsensitive: caseInsensitive)
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
            let text = PostgresColumns.storable(folds ? MatchKey.fold(value) : value)
            return "\(folds ? keyColumn : column) = \(bind(.text(text)))"
        case .wildcard(let pattern):
            let text = PostgresColumns.storable(folds ? MatchKey.fold(pattern) : pattern)
            return "\(folds ? keyColumn : column) LIKE \(bind(.text(Self.like(text))))"
        case .uidList(let values):
            binds.append(values.map(PostgresColumns.storable))
            return "\(column) = ANY($\(binds.count))"
        case .integer(let value):
            return "\(column) = \(bind(.integer(value)))"
        case .range(let lower, let upper):
            var parts: [String] = []
            if let lower { parts.append("\(keyColumn) >= \(bind(.text(lower)))") }
            if let upper { parts.append("\(keyColumn) <= \(bind(.text(upper)))") }
            return parts.isEmpty ? "\(keyColumn) IS NOT NULL" : "(" + parts.joined(separator: " AND ") + ")"
        case .anyOf(let rules):
            let parts = rules.map {
                predicate(
                    $0, attribute: attribute, column: column, keyColumn: keyColumn, caseInsensitive: caseInsensitive)
            }
            return "(" + parts.joined(separator: " OR ") + ")"
        }
    }

    /// A DICOM wild card pattern as a LIKE pattern: `*` is `%`, `?` is `_`, and LIKE's own
    /// `%`, `_` and escape character `\` in the value match themselves.
    static func like(_ pattern: String) -> String {
        var result = ""
        for character in pattern {
            switch character {
            case "*": result += "%"
            case "?": result += "_"
            case "%", "_", "\\": result += "\\" + String(character)
            default: result.append(character)
            }
        }
        return result
    }
}
