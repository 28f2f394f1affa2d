/// The 34 value representations of PS3.5 §6.2 (Table 6.2-1).
// The standard spells VRs in capitals; so do we.
// swift-format-ignore: AlwaysUseLowerCamelCase
public enum VR: String, CaseIterable, Sendable, Hashable {
    case AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW
    case PN, SH, SL, SQ, SS, ST, SV, TM, UC, UI, UL, UN, UR, US, UT, UV

    /// The two ASCII bytes of an explicit VR header, or nil when they name no VR.
    public init?(byte0: UInt8, byte1: UInt8) {
        switch UInt16(byte0) << 8 | UInt16(byte1) {
        case 0x4145: self = .AE
        case 0x4153: self = .AS
        case 0x4154: self = .AT
        case 0x4353: self = .CS
        case 0x4441: self = .DA
        case 0x4453: self = .DS
        case 0x4454: self = .DT
        case 0x4644: self = .FD
        case 0x464C: self = .FL
        case 0x4953: self = .IS
        case 0x4C4F: self = .LO
        case 0x4C54: self = .LT
        case 0x4F42: self = .OB
        case 0x4F44: self = .OD
        case 0x4F46: self = .OF
        case 0x4F4C: self = .OL
        case 0x4F56: self = .OV
        case 0x4F57: self = .OW
        case 0x504E: self = .PN
        case 0x5348: self = .SH
        case 0x534C: self = .SL
        case 0x5351: self = .SQ
        case 0x5353: self = .SS
        case 0x5354: self = .ST
        case 0x5356: self = .SV
        case 0x544D: self = .TM
        case 0x5543: self = .UC
        case 0x5549: self = .UI
        case 0x554C: self = .UL
        case 0x554E: self = .UN
        case 0x5552: self = .UR
        case 0x5553: self = .US
        case 0x5554: self = .UT
        case 0x5556: self = .UV
        default: return nil
        }
    }

    /// The two ASCII bytes of this VR in an explicit VR header.
    public var bytes: (UInt8, UInt8) {
        let utf8 = rawValue.utf8
        return (utf8.first ?? 0x3F, utf8.dropFirst().first ?? 0x3F)
    }

    /// Explicit VR encodings of these use a 2-byte reserved field and a 32-bit length
    /// (PS3.5 §7.1.2, Table 7.1-1); the others a 16-bit length.
    public var hasLongExplicitLength: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .SQ, .SV, .UC, .UN, .UR, .UT, .UV: true
        default: false
        }
    }

    /// Character string VRs, decoded through the Specific Character Set where it applies.
    public var isString: Bool {
        switch self {
        case .AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .LT, .PN, .SH, .ST, .TM, .UC, .UI, .UR, .UT: true
        default: false
        }
    }

    /// String VRs whose value is affected by Specific Character Set (0008,0005), PS3.5 §6.1.2.3.
    public var usesSpecificCharacterSet: Bool {
        switch self {
        case .LO, .LT, .PN, .SH, .ST, .UC, .UT: true
        default: false
        }
    }

    /// String VRs that hold one value only: backslash is an ordinary character in them.
    public var isSingleValuedText: Bool {
        switch self {
        case .LT, .ST, .UT, .UR: true
        default: false
        }
    }

    /// Size in bytes of one binary number of this VR, for the numeric binary VRs.
    public var binaryWidth: Int? {
        switch self {
        case .SS, .US, .OW: 2
        case .SL, .UL, .FL, .OF, .OL, .AT: 4
        case .FD, .OD, .SV, .UV, .OV: 8
        default: nil
        }
    }

    /// Byte-swapping unit for big-endian data: AT swaps as two 16-bit words.
    var swapWidth: Int? {
        self == .AT ? 2 : binaryWidth
    }

    /// Values of these may be large binary blobs that are referenced, not copied.
    public var isBulkDataCandidate: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .UN: true
        default: false
        }
    }

    /// Byte that pads an odd-length value to even length (PS3.5 §7.1.1).
    public var paddingByte: UInt8 {
        switch self {
        case .UI, .OB, .UN: 0x00
        default: isString ? 0x20 : 0x00
        }
    }

    /// Maximum length in bytes (or characters) of one value, where the standard sets one.
    public var maximumValueLength: Int? {
        switch self {
        case .AE: 16
        case .AS: 4
        case .CS: 16
        case .DA: 8
        case .DS: 16
        case .DT: 26
        case .IS: 12
        case .LO: 64
        case .LT: 10240
        case .SH: 16
        case .ST: 1024
        case .TM: 14
        case .UI: 64
        default: nil
        }
    }
}
