/// What one defined term of Specific Character Set (0008,0005) stands for
/// (PS3.3 C.12.1.1.2, Tables C.12-2 to C.12-5).
enum DefinedTerm: Hashable, Sendable {
    /// A single-byte code: what it puts in G0 and G1. Usable as value 1.
    case singleByte(g0: GraphicSet, g1: GraphicSet?)
    /// A multi-byte set reached only through code extensions.
    case multiByte(GraphicSet)
    /// ISO_IR 192, GB18030, GBK: no code extensions.
    case standalone(TextEncoding)

    /// Exact terms first; then the two misspellings pydicom also corrects,
    /// "ISO IR 100" and "ISO-2022-IR 87".
    init?(_ term: String) {
        if let known = Self.terms[term] {
            self = known
            return
        }
        let utf8 = Array(term.utf8)
        let corrected: String
        if utf8.count > 6, utf8.starts(with: "ISO".utf8), utf8[3] != UInt8(ascii: "_"),
            utf8[4...5].elementsEqual("IR".utf8)
        {
            corrected = "ISO_IR" + String(decoding: utf8[6...], as: UTF8.self)
        } else if utf8.count > 12, utf8.starts(with: "ISO".utf8), utf8[4...7].elementsEqual("2022".utf8),
            utf8[9...10].elementsEqual("IR".utf8), !term.hasPrefix("ISO 2022 IR ")
        {
            corrected = "ISO 2022 IR " + String(decoding: utf8[12...], as: UTF8.self)
        } else {
            return nil
        }
        guard let known = Self.terms[corrected] else { return nil }
        self = known
    }

    private static let terms: [String: DefinedTerm] = {
        let singleByte: [(String, GraphicSet, GraphicSet?)] = [
            ("6", .ascii, nil),
            ("100", .ascii, .latin1),
            ("101", .ascii, .latin2),
            ("109", .ascii, .latin3),
            ("110", .ascii, .latin4),
            ("144", .ascii, .cyrillic),
            ("127", .ascii, .arabic),
            ("126", .ascii, .greek),
            ("138", .ascii, .hebrew),
            ("148", .ascii, .latin5),
            ("203", .ascii, .latin9),
            ("13", .jisRoman, .jisKatakana),
            ("166", .ascii, .thai),
        ]
        let multiByte: [(String, GraphicSet)] = [
            ("87", .jisX0208), ("159", .jisX0212), ("149", .ksX1001), ("58", .gb2312),
        ]
        var terms: [String: DefinedTerm] = [
            "": .singleByte(g0: .ascii, g1: nil),
            "ISO_IR 192": .standalone(.utf8),
            "GB18030": .standalone(.multiByte(.gb18030)),
            "GBK": .standalone(.multiByte(.gbk)),
        ]
        for (number, g0, g1) in singleByte {
            // "ISO_IR 6" is not a defined term, but writers use it for the default.
            terms["ISO_IR \(number)"] = .singleByte(g0: g0, g1: g1)
            terms["ISO 2022 IR \(number)"] = .singleByte(g0: g0, g1: g1)
        }
        for (number, set) in multiByte {
            terms["ISO 2022 IR \(number)"] = .multiByte(set)
        }
        return terms
    }()
}
