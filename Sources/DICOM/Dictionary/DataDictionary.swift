/// The data dictionary of PS3.6: attributes by tag and by keyword, including the
/// repeating groups, and the private dictionaries of known private creators.
///
/// The tables are generated from pydicom by `scripts/generate-dictionary.py` (see
/// `Generated/`) and built once, at first use.
public enum DataDictionary {
    /// The entry of a standard attribute. Exact tags are looked up first, then the
    /// repeating-group masks ((50xx,eeee), (60xx,eeee), (7Fxx,eeee), (0020,31xx),
    /// (0028,04x0), (1000,xxx0), …), which never match a private (odd) group.
    public static func entry(for tag: Tag) -> DictionaryEntry? {
        standard.entry(for: tag)
    }

    /// The entry whose keyword is `keyword`, `PatientName`; repeating-group entries have
    /// their mask's base tag, (6000,3000) for `OverlayData`.
    public static func entry(forKeyword keyword: String) -> DictionaryEntry? {
        standard.entry(forKeyword: keyword)
    }

    static let standard = StandardDictionaryTable(standard: standardRecords, repeating: repeatingRecords)
}

/// The standard attributes and the repeating-group masks, indexed for constant-time lookup.
struct StandardDictionaryTable: Sendable {
    /// The entries, standard ones first, in the order of the records.
    let entries: [DictionaryEntry]
    let standardCount: Int
    let repeatingCount: Int
    private let indexByTag: [UInt32: Int]
    private let indexByKeyword: [String: Int]
    /// The repeating-group entries by mask: only a handful of distinct masks, each with
    /// its masked values, so a miss costs one hash lookup per mask.
    private let repeatingMasks: [(mask: UInt32, indexByValue: [UInt32: Int])]

    init(standard: String, repeating: String) {
        var entries: [DictionaryEntry] = []
        entries.reserveCapacity(5_200)
        var indexByTag: [UInt32: Int] = [:]
        indexByTag.reserveCapacity(5_100)
        var indexByKeyword: [String: Int] = [:]
        indexByKeyword.reserveCapacity(5_200)
        var masks: [UInt32: [UInt32: Int]] = [:]
        var vrCache: [UInt64: [VR]] = [:]

        func add(_ record: DictionaryRecords) -> (value: UInt32, mask: UInt32, index: Int)? {
            // ggggeeee|VRs|VM|R|Keyword|Name
            guard record.fieldCount == 6, let (value, mask) = record.hexPattern(0),
                let vrs = record.vrs(1, cache: &vrCache)
            else { return nil }
            let keyword = record.string(4)
            let entry = DictionaryEntry(
                tag: Tag(rawValue: value), keyword: keyword, name: record.string(5), vrs: vrs,
                vm: record.string(2), isRetired: !record.isEmpty(3))
            let index = entries.count
            entries.append(entry)
            if !keyword.isEmpty, indexByKeyword[keyword] == nil { indexByKeyword[keyword] = index }
            return (value, mask, index)
        }

        DictionaryRecords.forEach(in: standard) { record in
            guard let (value, mask, index) = add(record), mask == 0xFFFF_FFFF else { return }
            indexByTag[value] = index
        }
        let standardCount = entries.count
        DictionaryRecords.forEach(in: repeating) { record in
            guard let (value, mask, index) = add(record) else { return }
            masks[mask, default: [:]][value] = index
        }

        self.entries = entries
        self.standardCount = standardCount
        self.repeatingCount = entries.count - standardCount
        self.indexByTag = indexByTag
        self.indexByKeyword = indexByKeyword
        // Most specific masks first; the generator checks that no two masks overlap.
        self.repeatingMasks = masks.sorted { ($0.key.nonzeroBitCount, $0.key) > ($1.key.nonzeroBitCount, $1.key) }
            .map { (mask: $0.key, indexByValue: $0.value) }
    }

    func entry(for tag: Tag) -> DictionaryEntry? {
        let raw = tag.rawValue
        if let index = indexByTag[raw] { return entries[index] }
        guard !tag.isPrivate else { return nil }
        for (mask, indexByValue) in repeatingMasks {
            if let index = indexByValue[raw & mask] { return entries[index] }
        }
        return nil
    }

    func entry(forKeyword keyword: String) -> DictionaryEntry? {
        indexByKeyword[keyword].map { entries[$0] }
    }
}
