/// A graphic character set that an ISO 2022 escape sequence designates to G0 or G1
/// (PS3.3 Tables C.12-2 to C.12-4; PS3.5 §6.1.2.5).
enum GraphicSet: Hashable, Sendable, CaseIterable {
    /// ISO-IR 6 in G0.
    case ascii
    /// ISO-IR 14, JIS X 0201 Romaji, in G0. Read as ASCII: 5C must stay the value
    /// delimiter, and pydicom reads it that way too.
    case jisRoman
    case latin1, latin2, latin3, latin4, cyrillic, arabic, greek, hebrew, latin5, latin9, thai
    /// ISO-IR 13, JIS X 0201 katakana, in G1.
    case jisKatakana
    /// ISO-IR 87 and ISO-IR 159, two bytes 21–7E each, in G0.
    case jisX0208, jisX0212
    /// ISO-IR 149 and ISO-IR 58, two bytes A1–FE each, in G1.
    case ksX1001, gb2312

    var isG0: Bool {
        switch self {
        case .ascii, .jisRoman, .jisX0208, .jisX0212: true
        default: false
        }
    }

    /// ESC, intermediate bytes and final byte.
    var escapeSequence: [UInt8] {
        switch self {
        case .ascii: [0x1B, 0x28, 0x42]  // ESC ( B
        case .jisRoman: [0x1B, 0x28, 0x4A]  // ESC ( J
        case .latin1: [0x1B, 0x2D, 0x41]  // ESC - A
        case .latin2: [0x1B, 0x2D, 0x42]  // ESC - B
        case .latin3: [0x1B, 0x2D, 0x43]  // ESC - C
        case .latin4: [0x1B, 0x2D, 0x44]  // ESC - D
        case .cyrillic: [0x1B, 0x2D, 0x4C]  // ESC - L
        case .arabic: [0x1B, 0x2D, 0x47]  // ESC - G
        case .greek: [0x1B, 0x2D, 0x46]  // ESC - F
        case .hebrew: [0x1B, 0x2D, 0x48]  // ESC - H
        case .latin5: [0x1B, 0x2D, 0x4D]  // ESC - M
        case .latin9: [0x1B, 0x2D, 0x62]  // ESC - b
        case .thai: [0x1B, 0x2D, 0x54]  // ESC - T
        case .jisKatakana: [0x1B, 0x29, 0x49]  // ESC ) I
        case .jisX0208: [0x1B, 0x24, 0x42]  // ESC $ B
        case .jisX0212: [0x1B, 0x24, 0x28, 0x44]  // ESC $ ( D
        case .ksX1001: [0x1B, 0x24, 0x29, 0x43]  // ESC $ ) C
        case .gb2312: [0x1B, 0x24, 0x29, 0x41]  // ESC $ ) A
        }
    }

    /// The upper-half table of a single-byte G1 set.
    var table: SingleByteTable? {
        switch self {
        case .latin1: .latin1
        case .latin2: .latin2
        case .latin3: .latin3
        case .latin4: .latin4
        case .cyrillic: .cyrillic
        case .arabic: .arabic
        case .greek: .greek
        case .hebrew: .hebrew
        case .latin5: .latin5
        case .latin9: .latin9
        case .thai: .thai
        case .jisKatakana: .jisKatakana
        case .ascii, .jisRoman, .jisX0208, .jisX0212, .ksX1001, .gb2312: nil
        }
    }

    private static let byEscapeSequence: [[UInt8]: GraphicSet] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.escapeSequence, $0) })

    /// The set designated by the escape sequence that starts at `start` (an ESC byte),
    /// and the sequence's length; nil when the sequence is unknown or cut short.
    static func designated(by bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (GraphicSet, length: Int)? {
        // ISO 2022: ESC, intermediate bytes 20–2F, one final byte 30–7E.
        var end = start + 1
        while end < bytes.count, end - start <= 3, (0x20...0x2F).contains(bytes[end]) { end += 1 }
        guard end < bytes.count, (0x30...0x7E).contains(bytes[end]) else { return nil }
        let sequence = Array(bytes[start...end])
        guard let set = byEscapeSequence[sequence] else { return nil }
        return (set, sequence.count)
    }
}
