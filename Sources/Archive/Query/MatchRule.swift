/// One key's matching rule (PS3.4 C.2.2.2), decided once from the key's value and VR so that
/// every `IndexStore` only translates it.
public enum MatchRule: Sendable, Hashable {
    /// Single value matching (C.2.2.2.1): equal values, or equal folded values for a person
    /// name when the query is case-insensitive.
    case single(String)
    /// Wild card matching (C.2.2.2.4): `*` any run of characters, `?` any one character;
    /// every other character literal.
    case wildcard(String)
    /// List of UID matching (C.2.2.2.2).
    case uidList([String])
    /// Range matching (C.2.2.2.5) on `MatchKey` forms, both bounds inclusive; single value
    /// matching of a date or time is the range its precision covers.
    case range(lower: String?, upper: String?)
    /// Single value matching of a number (IS, US, UL).
    case integer(Int)
    /// A key with several values: an entity matches when it matches one of them (C.2.2.2.7).
    indirect case anyOf([MatchRule])
}

/// A matching key: which attribute, and how its value is matched.
public struct KeyMatch: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        /// The entity's own attribute, or one of an entity above it.
        case attribute(IndexedAttribute)
        /// An attribute of some entity below: ModalitiesInStudy matches a study when one of
        /// its series has a matching Modality.
        case anyDescendant(IndexedAttribute)
        /// A configured extra attribute (`ExtraAttributes`) of the entity or one above it,
        /// which the index keeps apart from the catalog's columns.
        case extra(IndexedAttribute)
    }

    public var target: Target
    public var rule: MatchRule

    public init(target: Target, rule: MatchRule) {
        self.target = target
        self.rule = rule
    }
}

extension MatchRule {
    /// The rule with numbers as the decimal text they are kept as where a value column holds
    /// text of any attribute (extra attributes: `ExtraAttributes`).
    public var comparingIntegersAsText: MatchRule {
        switch self {
        case .integer(let value): .single(String(value))
        case .anyOf(let rules): .anyOf(rules.map(\.comparingIntegersAsText))
        default: self
        }
    }
}
