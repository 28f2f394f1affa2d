public import DICOM

/// A sequence in a C-FIND identifier (PS3.4 C.2.2.2.6): the item's keys are matched against
/// the items of the entity's sequence, and an entity matches when one of its items matches
/// every key. A sequence with no item, or an empty item, is universal matching: the entity
/// matches and its whole sequence is returned. Answered from the instance metadata the index
/// keeps, since the index has no sequence columns.
public struct SequenceKey: Sendable, Hashable {
    public var tag: Tag
    /// The keys of the identifier's item; empty for the whole sequence.
    public var keys: [SequenceItemKey]

    public init(tag: Tag, keys: [SequenceItemKey]) {
        self.tag = tag
        self.keys = keys
    }

    /// Whether any key inside asks for matching (rather than only for return).
    public var isMatching: Bool { keys.contains { $0.rule != nil || $0.nested.contains(where: \.isMatching) } }

    /// The key for the sequence element of an identifier; its first item holds the keys.
    init(_ element: DataElement) throws(QueryError) {
        tag = element.tag
        keys = []
        guard let item = element.items?.first else { return }
        for inner in item.elements where !inner.tag.isGroupLength {
            keys.append(try SequenceItemKey(inner, in: item))
        }
    }

    /// The items of `stored`'s sequence that match, each with the requested keys (all of
    /// its attributes when the key asks for the whole sequence); nil when the entity does not
    /// match. Text comes back re-encoded in UTF-8; `nonASCII` says whether any of it needs
    /// ISO_IR 192.
    func answer(from stored: DataSet, caseInsensitive: Bool, nonASCII: inout Bool) -> [DataSet]? {
        let items = stored[tag]?.items ?? []
        if keys.isEmpty {
            var copies: [DataSet] = []
            for item in items { copies.append(Self.copy(item, keys: nil, nonASCII: &nonASCII)) }
            return copies
        }
        var answers: [DataSet] = []
        for item in items {
            var nested: [Tag: [DataSet]] = [:]
            var matches = true
            for key in keys {
                if let sequence = key.nested.first {
                    guard let inner = sequence.answer(from: item, caseInsensitive: caseInsensitive, nonASCII: &nonASCII)
                    else {
                        matches = false
                        break
                    }
                    nested[key.tag] = inner
                } else if let rule = key.rule,
                    !item.strings(key.tag).contains(where: {
                        rule.matches($0, kind: key.kind, caseInsensitive: caseInsensitive)
                    })
                {
                    matches = false
                    break
                }
            }
            guard matches else { continue }
            var answer = Self.copy(item, keys: keys.filter(\.nested.isEmpty).map(\.tag), nonASCII: &nonASCII)
            for (tag, items) in nested { answer.set(tag, items: items) }
            answers.append(answer)
        }
        // An entity with no item matching a matching key does not match; with keys that only
        // ask for values back, its items are returned whatever they hold.
        if answers.isEmpty && isMatching { return nil }
        return answers
    }

    /// An item with the attributes asked for (`keys`, empty where the item has none; all when
    /// nil), text decoded and set again in UTF-8, sequences copied whole.
    static func copy(_ item: DataSet, keys: [Tag]?, nonASCII: inout Bool) -> DataSet {
        var result = DataSet()
        let tags = keys ?? item.elements.map(\.tag).filter { $0 != .specificCharacterSet && !$0.isGroupLength }
        for tag in tags {
            guard let element = item[tag] else {
                result.set(tag, strings: [])
                continue
            }
            if let items = element.items {
                var copies: [DataSet] = []
                for nested in items { copies.append(copy(nested, keys: nil, nonASCII: &nonASCII)) }
                result.set(tag, items: copies)
            } else if element.vr.usesSpecificCharacterSet {
                let values = item.strings(tag)
                if values.contains(where: { !$0.utf8.allSatisfy { $0 < 0x80 } }) { nonASCII = true }
                result.set(tag, vr: element.vr, strings: values)
            } else {
                result.insert(element)
            }
        }
        return result
    }
}

/// One key inside a sequence key's item: matched like a key of the identifier (by the rule
/// its VR gives), or itself a sequence.
public struct SequenceItemKey: Sendable, Hashable {
    public var tag: Tag
    public var kind: MatchingKind
    /// Nil for universal matching, and for VRs no key matches on (binary values).
    public var rule: MatchRule?
    /// The key when it is a sequence itself (one element at most).
    public var nested: [SequenceKey]

    init(_ element: DataElement, in item: DataSet) throws(QueryError) {
        tag = element.tag
        nested = []
        kind = ExtraAttributes.kind(of: element.vr) ?? .text
        rule = nil
        if element.vr == .SQ {
            nested = [try SequenceKey(element)]
            return
        }
        guard ExtraAttributes.kind(of: element.vr) != nil else { return }
        let values = item.strings(tag).filter { !$0.isEmpty }
        guard !values.isEmpty, values != ["*"] else { return }
        let keyword = DataDictionary.entry(for: tag)?.keyword ?? tag.description
        rule = try ArchiveQuery.rule(for: IndexedAttribute(tag, keyword, .image, kind), values: values)
    }
}
