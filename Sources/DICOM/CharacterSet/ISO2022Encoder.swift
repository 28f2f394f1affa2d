/// Writes text with the single-byte code of value 1 and, where a character needs
/// another set, the escape sequences of PS3.5 §6.1.2.5.
///
/// Greedy: a character goes into whatever G0 or G1 holds when that set has it, else into
/// the first set the terms name that has it. Value 1's G0 is designated again before
/// every control character and delimiter and at the end of the value (PS3.5
/// §6.1.2.5.3), which gives the bytes of the standard's examples and pydicom's.
struct ISO2022Encoder {
    let configuration: ISO2022Configuration
    let resets: ResetBytes

    func encode(_ string: String) -> [UInt8]? {
        // Value 1's G0 is always ASCII or JIS X 0201 Romaji, so ASCII text needs no escapes.
        if string.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x1B }) { return Array(string.utf8) }
        var converters = IconvConverters()
        let initial = configuration.initial
        var output: [UInt8] = []
        output.reserveCapacity(string.utf8.count)
        var g0 = initial.g0
        // nil: G1 must be designated before use. After a delimiter a reader resets G1
        // to value 1's, but one that does not would still be right with this.
        var g1 = initial.g1
        for scalar in string.unicodeScalars {
            if scalar.value < 0x20 || isDelimiter(scalar) {
                guard scalar != "\u{1B}" else { return nil }
                if g0 != initial.g0 {
                    output += initial.g0.escapeSequence
                    g0 = initial.g0
                }
                let byte = UInt8(truncatingIfNeeded: scalar.value)
                if resets.contains(byte), g1 != initial.g1 { g1 = nil }
                output.append(byte)
                continue
            }
            if let bytes = Self.encode(scalar, in: g0, converters: &converters) {
                output += bytes
            } else if let current = g1, let bytes = Self.encode(scalar, in: current, converters: &converters) {
                output += bytes
            } else {
                guard let (set, bytes) = firstSet(encoding: scalar, converters: &converters) else { return nil }
                output += set.escapeSequence
                output += bytes
                if set.isG0 { g0 = set } else { g1 = set }
            }
        }
        if g0 != initial.g0 { output += initial.g0.escapeSequence }
        return output
    }

    private func isDelimiter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && resets.contains(UInt8(truncatingIfNeeded: scalar.value))
    }

    private func firstSet(
        encoding scalar: Unicode.Scalar, converters: inout IconvConverters
    ) -> (GraphicSet, [UInt8])? {
        for set in configuration.available {
            if let bytes = Self.encode(scalar, in: set, converters: &converters) { return (set, bytes) }
        }
        return nil
    }

    /// The bytes of `scalar` in `set`, or nil when the set lacks it.
    static func encode(_ scalar: Unicode.Scalar, in set: GraphicSet, converters: inout IconvConverters) -> [UInt8]? {
        switch set {
        case .ascii, .jisRoman:
            return scalar.isASCII ? [UInt8(truncatingIfNeeded: scalar.value)] : nil
        case .jisX0208:
            guard let euc = converters.encode(String(scalar), codec: .eucJP), euc.count == 2,
                euc.allSatisfy(isUpperGraphic)
            else { return nil }
            return euc.map { $0 & 0x7F }
        case .jisX0212:
            guard let euc = converters.encode(String(scalar), codec: .eucJP), euc.count == 3, euc.first == 0x8F,
                euc.dropFirst().allSatisfy(isUpperGraphic)
            else { return nil }
            return euc.dropFirst().map { $0 & 0x7F }
        case .ksX1001, .gb2312:
            guard let euc = converters.encode(String(scalar), codec: set == .ksX1001 ? .eucKR : .gb2312),
                euc.count == 2, euc.allSatisfy(isUpperGraphic)
            else { return nil }
            return euc
        default:
            return set.table?.bytes[scalar].map { [$0] }
        }
    }

    private static func isUpperGraphic(_ byte: UInt8) -> Bool {
        (0xA1...0xFE).contains(byte)
    }
}
