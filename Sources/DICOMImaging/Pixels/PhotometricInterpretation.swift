/// How the samples of a pixel are to be read (PS3.3 C.7.6.3.1.2), for the interpretations
/// Apus renders; the others keep their defined term for the refusal.
public enum PhotometricInterpretation: Sendable, Hashable {
    /// Grey, the minimum sample value meant to be shown white.
    case monochrome1
    /// Grey, the minimum sample value meant to be shown black.
    case monochrome2
    case rgb
    /// Y, Cb and Cr at full resolution, as in JPEG's YCbCr (PS3.3 C.7.6.3.1.2).
    case ybrFull
    /// Y for each pixel, Cb and Cr shared by each horizontal pair.
    case ybrFull422
    /// One index per pixel into the red, green and blue palette tables.
    case paletteColor
    case other(String)

    public init(_ term: String) {
        switch term {
        case "MONOCHROME1": self = .monochrome1
        case "MONOCHROME2": self = .monochrome2
        case "RGB": self = .rgb
        case "YBR_FULL": self = .ybrFull
        case "YBR_FULL_422": self = .ybrFull422
        case "PALETTE COLOR": self = .paletteColor
        default: self = .other(term)
        }
    }

    public var isMonochrome: Bool { self == .monochrome1 || self == .monochrome2 }

    /// The samples per pixel the interpretation requires.
    var samplesPerPixel: Int {
        switch self {
        case .monochrome1, .monochrome2, .paletteColor: 1
        case .rgb, .ybrFull, .ybrFull422, .other: 3
        }
    }
}
