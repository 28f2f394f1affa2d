extension MatchRule {
    /// Whether one value matches, by the rules the indexes apply in SQL: for values the index
    /// has no column for (sequence items, read from the stored metadata).
    func matches(_ value: String, kind: MatchingKind, caseInsensitive: Bool) -> Bool {
        let folds = kind == .personName && caseInsensitive
        switch self {
        case .single(let expected):
            return folds ? MatchKey.fold(value) == MatchKey.fold(expected) : value == expected
        case .wildcard(let pattern):
            return folds
                ? Self.wildcard(Array(MatchKey.fold(pattern)), matches: Array(MatchKey.fold(value)))
                : Self.wildcard(Array(pattern), matches: Array(value))
        case .uidList(let uids):
            return uids.contains(value)
        case .integer(let expected):
            return Int(value.filter { $0 != " " }) == expected
        case .range(let lower, let upper):
            guard let key = MatchKey.key(for: value, kind: kind) else { return false }
            return (lower.map { key >= $0 } ?? true) && (upper.map { key <= $0 } ?? true)
        case .anyOf(let rules):
            return rules.contains { $0.matches(value, kind: kind, caseInsensitive: caseInsensitive) }
        }
    }

    /// `*` any run of characters, `?` any one; iterative, with one backtrack point, so that
    /// no pattern costs more than length × length steps.
    static func wildcard(_ pattern: [Character], matches text: [Character]) -> Bool {
        var p = 0
        var t = 0
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
