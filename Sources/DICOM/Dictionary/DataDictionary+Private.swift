extension DataDictionary {
    /// The entry of private data element `tag` in the private dictionary of `creator`,
    /// the value of its private creator element (leading and trailing spaces ignored).
    ///
    /// As in pydicom, the dictionary's keys are tried in this order: the exact tag
    /// (gggg,eeee); then, for a data element of a block (element xxyy, xx ≥ 10), the key
    /// (gggg,xxyy) that ignores the block number; then (ggxx,xxyy), whose group repeats too.
    public static func privateEntry(creator: String, tag: Tag) -> DictionaryEntry? {
        privateTable.entry(creator: creator, tag: tag)
    }

    static let privateTable = PrivateDictionaryTable(records: privateRecords)
}

/// The private dictionaries, by creator and by the masked tag.
struct PrivateDictionaryTable: Sendable {
    /// The three forms of key in a private dictionary, as masks of the tag.
    private static let exact: UInt32 = 0xFFFF_FFFF
    private static let anyBlock: UInt32 = 0xFFFF_00FF
    private static let anyGroupAndBlock: UInt32 = 0xFF00_00FF

    /// Keyed by the mask in the high 32 bits and the masked tag in the low ones.
    private let entriesByCreator: [String: [UInt64: DictionaryEntry]]
    let count: Int

    var creatorCount: Int { entriesByCreator.count }

    init(records: String) {
        var entriesByCreator: [String: [UInt64: DictionaryEntry]] = [:]
        var vrCache: [UInt64: [VR]] = [:]
        var count = 0
        var creator = ""
        var entries: [UInt64: DictionaryEntry] = [:]

        DictionaryRecords.forEach(in: records) { record in
            // Creator|gggg|eeee|VRs|VM|R|Name, sorted by creator.
            guard record.fieldCount == 7, let group = record.hexPattern(1), let element = record.hexPattern(2),
                let vrs = record.vrs(3, cache: &vrCache)
            else { return }
            let mask = group.mask << 16 | element.mask
            guard mask == Self.exact || mask == Self.anyBlock || mask == Self.anyGroupAndBlock else { return }
            if !record.bytes(0).elementsEqual(creator.utf8) {
                if !entries.isEmpty { entriesByCreator[creator] = entries }
                creator = record.string(0)
                entries = entriesByCreator[creator] ?? [:]
            }
            let value = group.value << 16 | element.value
            let entry = DictionaryEntry(
                tag: Tag(rawValue: value), keyword: "", name: record.string(6), vrs: vrs, vm: record.string(4),
                isRetired: !record.isEmpty(5))
            if entries.updateValue(entry, forKey: Self.key(value, mask)) == nil { count += 1 }
        }
        if !entries.isEmpty { entriesByCreator[creator] = entries }
        self.entriesByCreator = entriesByCreator
        self.count = count
    }

    private static func key(_ tag: UInt32, _ mask: UInt32) -> UInt64 {
        UInt64(mask) << 32 | UInt64(tag & mask)
    }

    func entry(creator: String, tag: Tag) -> DictionaryEntry? {
        guard let entries = entriesByCreator[creator] ?? entriesByCreator[Self.trimmed(creator)] else { return nil }
        let raw = tag.rawValue
        if let entry = entries[Self.key(raw, Self.exact)] { return entry }
        // (gggg,00xx) are creator elements and (gggg,01xx)–(gggg,0Fxx) belong to no block.
        guard tag.element >= 0x1000 else { return nil }
        return entries[Self.key(raw, Self.anyBlock)] ?? entries[Self.key(raw, Self.anyGroupAndBlock)]
    }

    /// LO values are padded with spaces; some writers pad with NUL.
    private static func trimmed(_ creator: String) -> String {
        let utf8 = creator.utf8
        let start = utf8.firstIndex { $0 != UInt8(ascii: " ") } ?? utf8.endIndex
        let end = utf8.lastIndex { $0 != UInt8(ascii: " ") && $0 != 0 }.map { utf8.index(after: $0) } ?? start
        guard start < end else { return "" }
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }
}
