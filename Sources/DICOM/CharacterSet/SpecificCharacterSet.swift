/// Specific Character Set (0008,0005): how the text of SH, LO, ST, LT, UC, UT and PN
/// values is encoded (PS3.3 C.12.1.1.2, PS3.5 §6.1).
///
/// Other string VRs hold the default repertoire only. Decoding never fails: what no
/// character set defines becomes U+FFFD, as with pydicom's "replace" fallback.
public struct SpecificCharacterSet: Sendable, Hashable {
    /// No (0008,0005): ISO-IR 6, the default repertoire.
    public static let `default` = SpecificCharacterSet(terms: [])

    /// The values of (0008,0005) as given.
    public let terms: [String]
    /// Terms that name no character set this type knows. Text is read as if they
    /// were absent, and value 1 unknown means the default repertoire.
    public let unknownTerms: [String]
    let encoding: TextEncoding

    /// - Parameter terms: the values of (0008,0005), split at backslashes and without
    ///   padding. An empty value 1 stands for ISO-IR 6, as in `["", "ISO 2022 IR 87"]`.
    public init(terms: [String]) {
        let parsed = terms.map(DefinedTerm.init)
        self.terms = terms
        self.unknownTerms = zip(terms, parsed).compactMap { term, parsed in parsed == nil ? term : nil }
        self.encoding = TextEncoding(terms: parsed)
    }

    /// Decodes a whole value, backslashes between values included.
    public func decode(_ bytes: some Collection<UInt8>, vr: VR) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ decode(contiguous: $0, vr: vr) }) {
            return text
        }
        return Array(bytes).withUnsafeBufferPointer { decode(contiguous: $0, vr: vr) }
    }

    /// Encodes a whole value, with the escape sequences that code extensions need; nil
    /// when a character has no encoding in the named character sets (or, for VRs
    /// outside the specific character set, is not ASCII).
    public func encode(_ string: String, vr: VR) -> [UInt8]? {
        guard vr.usesSpecificCharacterSet else {
            return string.utf8.allSatisfy { $0 < 0x80 } ? Array(string.utf8) : nil
        }
        switch encoding {
        case .utf8:
            return Array(string.utf8)
        case .multiByte(let codec):
            if string.utf8.allSatisfy({ $0 < 0x80 }) { return Array(string.utf8) }
            var converters = IconvConverters()
            return converters.encode(string, codec: codec)
        case .iso2022(let configuration):
            return ISO2022Encoder(configuration: configuration, resets: ResetBytes(vr: vr)).encode(string)
        }
    }

    private func decode(contiguous bytes: UnsafeBufferPointer<UInt8>, vr: VR) -> String {
        guard vr.usesSpecificCharacterSet else {
            // pydicom reads the default repertoire's values as Latin-1.
            return Self.decode(bytes, table: .latin1)
        }
        switch encoding {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .multiByte(let codec):
            if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            var text = DecodedText(capacity: bytes.count * 2)
            text.appendMultiByte(bytes, codec: codec)
            return text.finish()
        case .iso2022(let configuration):
            if !bytes.contains(0x1B), let table = configuration.textTableWithoutEscapes {
                return Self.decode(bytes, table: table)
            }
            return ISO2022Decoder(configuration: configuration, resets: ResetBytes(vr: vr)).decode(bytes)
        }
    }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, table: SingleByteTable) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count * 2)
        for byte in bytes { utf8.appendUTF8(table.scalars[Int(byte)]) }
        return String(decoding: utf8, as: UTF8.self)
    }
}

extension ISO2022Configuration {
    /// The table that decodes text without escape sequences a byte at a time, when one
    /// byte is always one character: value 1's upper half, or Latin-1 when G1 is empty.
    var textTableWithoutEscapes: SingleByteTable? {
        switch initial.g1 {
        case nil: .latin1
        case .jisKatakana?: nil
        case let set?: set.table
        }
    }
}
