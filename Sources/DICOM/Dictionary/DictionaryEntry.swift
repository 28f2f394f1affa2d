/// One attribute of the data dictionary (PS3.6 §6–§9) or of a private dictionary.
public struct DictionaryEntry: Sendable, Hashable {
    /// The tag. For a repeating-group entry, the mask with its `x` digits as 0:
    /// (6000,3000) for Overlay Data (60xx,3000). For a private entry, the key of the
    /// private dictionary with `xx` as 00: (0029,0010) for (0029,xx10).
    public let tag: Tag
    /// The keyword, `PatientName`; empty when the standard gives none (some retired
    /// attributes) and for private entries.
    public let keyword: String
    /// The attribute name, `Patient's Name`.
    public let name: String
    /// The value representations the attribute may have: one, or several for
    /// "US or SS", "OB or OW", …; none for items and delimiters.
    public let vrs: [VR]
    /// The value multiplicity: `1`, `1-n`, `2-2n`, …
    public let vm: String
    public let isRetired: Bool

    /// The first of `vrs`, the one to read an implicit VR value with; UN when there is none.
    public var vr: VR { vrs.first ?? .UN }

    init(tag: Tag, keyword: String, name: String, vrs: [VR], vm: String, isRetired: Bool) {
        self.tag = tag
        self.keyword = keyword
        self.name = name
        self.vrs = vrs
        self.vm = vm
        self.isRetired = isRetired
    }
}
