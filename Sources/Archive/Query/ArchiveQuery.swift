public import DICOM

/// A query against the index at one level of one information model: the matching keys,
/// the keys to return, and a window (offset, limit) over the matches, which come in the
/// order the entities were first stored.
///
/// Built from a C-FIND identifier (`init(identifier:model:options:)`) and, later, from
/// QIDO-RS parameters; the same value drives every `IndexStore`.
public struct ArchiveQuery: Sendable, Hashable {
    public var model: InformationModel
    public var level: QueryLevel
    public var matches: [KeyMatch]
    /// Keys whose values the answers carry, in the order asked, matching keys included.
    public var returnKeys: [Tag]
    /// At most this many answers; nil for no limit but the archive's cap.
    public var limit: Int?
    /// Answers to skip first.
    public var offset: Int
    /// Person names match regardless of case (C.2.2.2.1 permits it for PN).
    public var caseInsensitivePersonNames: Bool
    /// The configured extra attributes (`ExtraAttributes`): keys the index matches and
    /// returns beside the catalog's.
    public var extraAttributes: [IndexedAttribute]
    /// Sequences of the identifier (PS3.4 C.2.2.2.6), matched and returned from the stored
    /// metadata rather than the index.
    public var sequenceKeys: [SequenceKey]

    public init(
        model: InformationModel, level: QueryLevel, matches: [KeyMatch] = [], returnKeys: [Tag] = [],
        limit: Int? = nil, offset: Int = 0, caseInsensitivePersonNames: Bool = true,
        extraAttributes: [IndexedAttribute] = [], sequenceKeys: [SequenceKey] = []
    ) {
        self.model = model
        self.level = level
        self.matches = matches
        self.returnKeys = returnKeys
        self.limit = limit
        self.offset = offset
        self.caseInsensitivePersonNames = caseInsensitivePersonNames
        self.extraAttributes = extraAttributes
        self.sequenceKeys = sequenceKeys
    }

    /// The indexed attributes an answer carries: the return keys this level or a level above
    /// it holds, and the unique keys of those levels (PS3.4 C.4.1.1.3.2 asks for them).
    public var requestedAttributes: [IndexedAttribute] {
        var tags = returnKeys
        for level in level.selfAndAncestors where model.levels.contains(level) {
            tags.append(AttributeCatalog.uniqueKey(of: level))
        }
        var seen: Set<Tag> = []
        return tags.compactMap { tag in
            guard let attribute = AttributeCatalog.attribute(for: tag), attribute.level <= level,
                seen.insert(tag).inserted
            else { return nil }
            return attribute
        }
    }

    /// The extra attributes asked for that describe entities of this level or above.
    public var requestedExtras: [IndexedAttribute] {
        var seen: Set<Tag> = []
        return returnKeys.compactMap { tag in
            guard let attribute = extraAttributes.first(where: { $0.tag == tag }), attribute.level <= level,
                seen.insert(tag).inserted
            else { return nil }
            return attribute
        }
    }

    /// The computed attributes asked for that describe entities of this level or above.
    public var requestedComputed: [ComputedAttribute] {
        var seen: Set<ComputedAttribute> = []
        return returnKeys.compactMap { tag in
            guard let computed = ComputedAttribute(tag: tag), computed.level <= level,
                seen.insert(computed).inserted
            else { return nil }
            return computed
        }
    }
}
