public import DICOM

extension ArchiveQuery {
    /// The query a C-FIND (or C-GET/C-MOVE) identifier asks for.
    ///
    /// Every key of this level and the levels above is honoured (relational matching, a
    /// superset of the hierarchical matching PS3.4 C.4.1.3.1 requires). A key below the
    /// level, or one the index does not keep, is returned empty and not matched on. Sequences
    /// are matched and returned from the stored metadata (`SequenceKey`). Specific Character
    /// Set is never a key (C.2.2.2); values arrive decoded.
    public init(
        identifier: DataSet, model: InformationModel, caseInsensitivePersonNames: Bool = true,
        extraAttributes: [IndexedAttribute] = []
    ) throws(QueryError) {
        let levelText = identifier.string(.queryRetrieveLevel)
        guard let levelText, let level = QueryLevel(rawValue: levelText.uppercased()), model.levels.contains(level)
        else { throw .invalidLevel(levelText, model: model) }
        self.init(
            model: model, level: level, caseInsensitivePersonNames: caseInsensitivePersonNames,
            extraAttributes: extraAttributes)
        for element in identifier.elements {
            let tag = element.tag
            guard !ArchiveQuery.notKeys.contains(tag), !tag.isGroupLength, tag.group != 0x0002 else { continue }
            returnKeys.append(tag)
            if element.vr == .SQ {
                sequenceKeys.append(try SequenceKey(element))
                continue
            }
            guard
                let match = try ArchiveQuery.keyMatch(
                    tag, values: identifier.strings(tag), level: level, extraAttributes: extraAttributes)
            else {
                continue
            }
            matches.append(match)
        }
    }

    /// Elements of an identifier that are never matched nor returned as keys.
    static let notKeys: Set<Tag> = [.specificCharacterSet, .queryRetrieveLevel, .timezoneOffsetFromUTC]

    /// The matching key for a tag and its values, nil for universal matching or a key that
    /// is not matched on.
    static func keyMatch(
        _ tag: Tag, values: [String], level: QueryLevel, extraAttributes: [IndexedAttribute] = []
    ) throws(QueryError) -> KeyMatch? {
        // Universal matching (C.2.2.2.3): no value, only empty values, or a lone `*`.
        let values = values.filter { !$0.isEmpty }
        if values.isEmpty || values == ["*"] { return nil }
        if let attribute = AttributeCatalog.attribute(for: tag) {
            guard attribute.level <= level else { return nil }
            return KeyMatch(target: .attribute(attribute), rule: try rule(for: attribute, values: values))
        }
        if let attribute = extraAttributes.first(where: { $0.tag == tag }) {
            guard attribute.level <= level else { return nil }
            return KeyMatch(target: .extra(attribute), rule: try rule(for: attribute, values: values))
        }
        if let computed = ComputedAttribute(tag: tag), computed.level <= level,
            let descendant = computed.matchedDescendant
        {
            return KeyMatch(target: .anyDescendant(descendant), rule: try rule(for: descendant, values: values))
        }
        return nil
    }

    /// The rule for the values of one key: one value gives one rule, several give `anyOf`,
    /// except UIDs, whose list is a rule of its own.
    public static func rule(for attribute: IndexedAttribute, values: [String]) throws(QueryError) -> MatchRule {
        if attribute.kind == .uid {
            return values.count == 1 ? .single(values[0]) : .uidList(values)
        }
        var rules: [MatchRule] = []
        for value in values {
            rules.append(try rule(for: attribute, value: value))
        }
        return rules.count == 1 ? rules[0] : .anyOf(rules)
    }

    private static func rule(for attribute: IndexedAttribute, value: String) throws(QueryError) -> MatchRule {
        switch attribute.kind {
        case .text, .personName:
            return value.contains(where: { $0 == "*" || $0 == "?" }) ? .wildcard(value) : .single(value)
        case .uid:
            return .single(value)
        case .integer:
            guard let number = Int(value.filter { $0 != " " }) else {
                throw .invalidKey(attribute.tag, value: value, reason: "not an integer")
            }
            return .integer(number)
        case .date, .time, .dateTime:
            return try range(for: attribute, value: value)
        }
    }

    /// `A`, `A-`, `-B` or `A-B` as a range of match keys. For a date-time the `-` of a
    /// negative UTC offset is not a range separator: only a `-` with a full value on each
    /// side, or at either end, is.
    private static func range(for attribute: IndexedAttribute, value: String) throws(QueryError) -> MatchRule {
        let bounds = { (text: String) throws(QueryError) -> (lower: String, upper: String) in
            let parsed: (lower: String, upper: String)?
            switch attribute.kind {
            case .date: parsed = DicomDate(text).map { ($0.description, $0.description) }
            case .time: parsed = MatchKey.timeBounds(text)
            default: parsed = MatchKey.dateTimeBounds(text)
            }
            guard let parsed else {
                throw .invalidKey(attribute.tag, value: value, reason: "'\(text)' is not a valid \(attribute.kind)")
            }
            return parsed
        }
        guard let split = rangeSeparator(in: value, isDateTime: attribute.kind == .dateTime) else {
            let single = try bounds(value)
            return .range(lower: single.lower, upper: single.upper)
        }
        let lowerText = String(value[..<split])
        let upperText = String(value[value.index(after: split)...])
        if lowerText.isEmpty, upperText.isEmpty {
            throw .invalidKey(attribute.tag, value: value, reason: "a range needs at least one bound")
        }
        let lower = lowerText.isEmpty ? nil : try bounds(lowerText).lower
        let upper = upperText.isEmpty ? nil : try bounds(upperText).upper
        return .range(lower: lower, upper: upper)
    }

    /// Where `A-B` splits. Dates and times hold no `-` of their own; a date-time may, in a
    /// UTC offset (`…-0500`): a lone `-` followed by four digits after more than a year is
    /// an offset, and among several the separator is the one with a date-time (or nothing) on each side.
    private static func rangeSeparator(in value: String, isDateTime: Bool) -> String.Index? {
        let dashes = value.indices.filter { value[$0] == "-" }
        guard let first = dashes.first else { return nil }
        guard isDateTime else { return first }
        if dashes.count == 1 {
            let left = value[..<first]
            let right = value[value.index(after: first)...]
            let isOffset = left.count > 4 && right.count == 4 && right.allSatisfy(\.isNumber)
            return isOffset ? nil : first
        }
        for dash in dashes {
            let left = value[..<dash]
            let right = value[value.index(after: dash)...]
            if left.isEmpty || DicomDateTime(left) != nil, right.isEmpty || DicomDateTime(right) != nil {
                return dash
            }
        }
        return first
    }
}
