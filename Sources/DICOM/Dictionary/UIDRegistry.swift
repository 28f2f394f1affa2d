/// The UIDs of PS3.6 Table A-1 by value and by keyword.
///
/// Generated from pydicom by `scripts/generate-dictionary.py` (see `Generated/`) and
/// built once, at first use.
public enum UIDRegistry {
    public static func entry(for uid: UID) -> UIDEntry? {
        table.entry(for: uid)
    }

    /// The entry whose keyword is `keyword`, `CTImageStorage`.
    public static func entry(forKeyword keyword: String) -> UIDEntry? {
        table.entry(forKeyword: keyword)
    }

    /// Every entry, sorted by UID: for lists such as "all storage SOP classes".
    public static var entries: [UIDEntry] { table.entries }

    static let table = UIDRegistryTable(records: records)
}

struct UIDRegistryTable: Sendable {
    let entries: [UIDEntry]
    private let indexByUID: [String: Int]
    private let indexByKeyword: [String: Int]

    init(records: String) {
        var entries: [UIDEntry] = []
        var indexByUID: [String: Int] = [:]
        var indexByKeyword: [String: Int] = [:]
        DictionaryRecords.forEach(in: records) { record in
            // UID|UIDType case|R|Keyword|Name
            guard record.fieldCount == 5 else { return }
            let uid = record.string(0)
            let keyword = record.string(3)
            let entry = UIDEntry(
                uid: UID(unchecked: uid), name: record.string(4), keyword: keyword,
                type: UIDType(rawValue: record.string(1)) ?? .other, isRetired: !record.isEmpty(2))
            let index = entries.count
            entries.append(entry)
            if indexByUID[uid] == nil { indexByUID[uid] = index }
            if !keyword.isEmpty, indexByKeyword[keyword] == nil { indexByKeyword[keyword] = index }
        }
        self.entries = entries
        self.indexByUID = indexByUID
        self.indexByKeyword = indexByKeyword
    }

    func entry(for uid: UID) -> UIDEntry? {
        indexByUID[uid.rawValue].map { entries[$0] }
    }

    func entry(forKeyword keyword: String) -> UIDEntry? {
        indexByKeyword[keyword].map { entries[$0] }
    }
}
