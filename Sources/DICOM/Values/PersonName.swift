/// A person name (VR PN): up to three component groups — alphabetic, ideographic, phonetic —
/// separated by `=`, each of up to five components separated by `^` (PS3.5 §6.2.1).
public struct PersonName: Sendable, Hashable, CustomStringConvertible {
    public struct Components: Sendable, Hashable {
        public var familyName: String
        public var givenName: String
        public var middleName: String
        public var namePrefix: String
        public var nameSuffix: String

        public init(
            familyName: String = "", givenName: String = "", middleName: String = "",
            namePrefix: String = "", nameSuffix: String = ""
        ) {
            self.familyName = familyName
            self.givenName = givenName
            self.middleName = middleName
            self.namePrefix = namePrefix
            self.nameSuffix = nameSuffix
        }

        /// Parses `Family^Given^Middle^Prefix^Suffix`; components past the fifth are joined
        /// into the suffix rather than dropped.
        public init(parsing text: Substring) {
            let parts = text.split(separator: "^", maxSplits: 4, omittingEmptySubsequences: false)
            func part(_ index: Int) -> String { index < parts.count ? String(parts[index]) : "" }
            self.init(
                familyName: part(0), givenName: part(1), middleName: part(2), namePrefix: part(3),
                nameSuffix: part(4))
        }

        public var isEmpty: Bool {
            familyName.isEmpty && givenName.isEmpty && middleName.isEmpty && namePrefix.isEmpty
                && nameSuffix.isEmpty
        }

        /// The encoded form with trailing empty components left out, as PS3.5 recommends.
        public var formatted: String {
            var parts = [familyName, givenName, middleName, namePrefix, nameSuffix]
            while let last = parts.last, last.isEmpty { parts.removeLast() }
            return parts.joined(separator: "^")
        }
    }

    public var alphabetic: Components
    public var ideographic: Components
    public var phonetic: Components

    public init(alphabetic: Components = .init(), ideographic: Components = .init(), phonetic: Components = .init()) {
        self.alphabetic = alphabetic
        self.ideographic = ideographic
        self.phonetic = phonetic
    }

    /// Parses the decoded value of one PN (no backslashes).
    public init(_ text: String) {
        let groups = text.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)
        self.init(
            alphabetic: Components(parsing: groups.first ?? ""),
            ideographic: groups.count > 1 ? Components(parsing: groups[1]) : .init(),
            phonetic: groups.count > 2 ? Components(parsing: groups[2]) : .init())
    }

    /// The encoded form: trailing empty groups and components left out.
    public var description: String {
        var groups = [alphabetic.formatted, ideographic.formatted, phonetic.formatted]
        while let last = groups.last, last.isEmpty { groups.removeLast() }
        return groups.joined(separator: "=")
    }

    /// At most 64 characters per component group (PS3.5 Table 6.2-1).
    public var isValid: Bool {
        [alphabetic, ideographic, phonetic].allSatisfy { $0.formatted.count <= 64 }
    }
}
