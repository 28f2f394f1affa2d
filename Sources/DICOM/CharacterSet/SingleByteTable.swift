/// A single-byte code: ASCII in 00–7F and one graphic set in the upper half.
///
/// Built once per set on first use, so decoding single-byte text never goes through iconv.
struct SingleByteTable: Sendable {
    /// The scalar of every byte; U+FFFD where the set leaves the byte undefined.
    let scalars: [Unicode.Scalar]
    /// The byte of every graphic character of the upper half (A0–FF). C1 controls are
    /// left out: text never needs them, and writing them would only hide a mistake.
    let bytes: [Unicode.Scalar: UInt8]

    init(upperHalf: (UInt8) -> Unicode.Scalar?) {
        var scalars: [Unicode.Scalar] = []
        var bytes: [Unicode.Scalar: UInt8] = [:]
        scalars.reserveCapacity(256)
        for byte in UInt8.min...UInt8.max {
            guard byte >= 0x80 else {
                scalars.append(Unicode.Scalar(byte))
                continue
            }
            let scalar = upperHalf(byte)
            scalars.append(scalar ?? .replacement)
            if let scalar, byte >= 0xA0 { bytes[scalar] = byte }
        }
        self.scalars = scalars
        self.bytes = bytes
    }

    /// An ISO 8859 part (or TIS 620) as glibc's iconv knows it. 80–9F are the C1
    /// controls, which is also how pydicom's codecs read them.
    static func iso8859(iconvName: String) -> SingleByteTable {
        let converter = IconvConverter(from: iconvName, to: "UTF-8")
        return SingleByteTable { byte in
            guard byte >= 0xA0 else { return Unicode.Scalar(byte) }
            guard let converter else { return nil }
            var utf8: [UInt8] = []
            let (_, stop) = withUnsafeBytes(of: byte) { converter.convert($0, appendingTo: &utf8) }
            guard stop == .finished else {
                converter.reset()
                return nil
            }
            let decoded = String(decoding: utf8, as: UTF8.self).unicodeScalars
            return decoded.count == 1 ? decoded.first : nil
        }
    }

    static let latin1 = SingleByteTable { Unicode.Scalar($0) }
    static let latin2 = iso8859(iconvName: "ISO-8859-2")
    static let latin3 = iso8859(iconvName: "ISO-8859-3")
    static let latin4 = iso8859(iconvName: "ISO-8859-4")
    static let cyrillic = iso8859(iconvName: "ISO-8859-5")
    static let arabic = iso8859(iconvName: "ISO-8859-6")
    static let greek = iso8859(iconvName: "ISO-8859-7")
    static let hebrew = iso8859(iconvName: "ISO-8859-8")
    static let latin5 = iso8859(iconvName: "ISO-8859-9")
    static let latin9 = iso8859(iconvName: "ISO-8859-15")
    static let thai = iso8859(iconvName: "TIS-620")

    /// JIS X 0201 katakana (ISO-IR 13) in A1–DF, the half-width forms of Unicode.
    static let jisKatakana = SingleByteTable { byte in
        guard (0xA1...0xDF).contains(byte) else { return nil }
        return Unicode.Scalar(0xFF61 + UInt32(byte - 0xA1))
    }
}
