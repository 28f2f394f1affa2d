/// The iconv encodings behind the multi-byte character sets.
///
/// ISO 2022 two-byte sets are handed to iconv in their EUC form (high bit set), which
/// carries the same code points without iconv having to track escape sequences.
enum MultiByteCodec: Hashable, Sendable {
    /// JIS X 0208 as two bytes A1–FE, JIS X 0212 as 8F and two bytes A1–FE.
    case eucJP
    /// KS X 1001, ISO-IR 149.
    case eucKR
    /// GB 2312, ISO-IR 58.
    case gb2312
    /// Shift JIS, which some writers put in ISO_IR 13 values; CP932 keeps 5C and 7E as
    /// backslash and tilde, as pydicom's shift_jis does.
    case shiftJIS
    case gb18030
    case gbk

    var iconvName: String {
        switch self {
        case .eucJP: "EUC-JP"
        case .eucKR: "EUC-KR"
        case .gb2312: "GB2312"
        case .shiftJIS: "CP932"
        case .gb18030: "GB18030"
        case .gbk: "GBK"
        }
    }
}

extension MultiByteCodec {
    /// How many bytes to skip when iconv rejects the character that starts with `lead`.
    /// Runs built from ISO 2022 text hold whole characters only; in stand-alone text the
    /// next byte may start a valid character, so only the lead byte goes.
    func characterLength(lead: UInt8) -> Int {
        switch self {
        case .eucJP: lead == 0x8F ? 3 : 2
        case .eucKR, .gb2312, .shiftJIS: 2
        case .gb18030, .gbk: 1
        }
    }
}
