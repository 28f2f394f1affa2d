/// Text values read straight from their bytes when the bytes are their own text, as in most
/// values. Decoding a value into one String, splitting that at `\` and trimming each part
/// Character by Character cost more than anything else ingest does to read a data set.
extension DataElement {
    /// The values of a string VR as ranges of `raw`, with the padding `trimmed(_:vr:)` removes
    /// removed; nil when the bytes need decoding: a byte over 0x7F, or text the character set
    /// reads otherwise than as ASCII (escape sequences, ISO_IR 13's JIS X 0201 G0).
    ///
    /// For ASCII this is exact: no two ASCII characters but CR LF make one Character, so
    /// splitting and trimming bytes gives what splitting and trimming the String gives.
    static func asciiValueRanges(
        _ raw: UnsafeRawBufferPointer, vr: VR, characterSet: SpecificCharacterSet
    ) -> [Range<Int>]? {
        var hasEscape = false
        for byte in raw {
            if byte >= 0x80 { return nil }
            if byte == 0x1B { hasEscape = true }
        }
        if vr.usesSpecificCharacterSet, !characterSet.readsASCIIAsASCII(hasEscape: hasEscape) { return nil }
        guard !raw.isEmpty else { return [] }
        let trimsLeading = !vr.keepsLeadingSpaces
        var ranges: [Range<Int>] = []
        var start = 0
        func add(_ end: Int) {
            var lower = start
            var upper = end
            while upper > lower, raw[upper - 1] == 0x20 || raw[upper - 1] == 0 { upper -= 1 }
            while trimsLeading, lower < upper, raw[lower] == 0x20 || raw[lower] == 0 { lower += 1 }
            ranges.append(lower..<upper)
        }
        if !vr.isSingleValuedText {
            for index in 0..<raw.count where raw[index] == UInt8(ascii: "\\") {
                add(index)
                start = index + 1
            }
        }
        add(raw.count)
        return ranges
    }
}

extension VR {
    /// Text VRs whose leading spaces are significant (PS3.5 Table 6.2-1); padding is removed
    /// from their end only.
    var keepsLeadingSpaces: Bool {
        switch self {
        case .LT, .ST, .UT, .UC: true
        default: false
        }
    }
}

extension SpecificCharacterSet {
    /// Whether ASCII bytes decode to the same characters in this character set, as they do
    /// everywhere but after an escape sequence or in a G0 other than ASCII.
    func readsASCIIAsASCII(hasEscape: Bool) -> Bool {
        switch encoding {
        case .utf8, .multiByte: true
        case .iso2022(let configuration): !hasEscape && configuration.textTableWithoutEscapes != nil
        }
    }
}
