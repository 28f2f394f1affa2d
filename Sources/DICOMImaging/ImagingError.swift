/// Why an image cannot be rendered. Each case says what a person can act on: which attribute
/// is wrong or what Apus cannot do yet.
public enum ImagingError: Error, Equatable, CustomStringConvertible {
    /// The instance has no pixel data to render (a structured report, a plan…).
    case noPixelData
    /// A frame number outside 1…count.
    case noSuchFrame(Int, count: Int)
    /// Valid DICOM that Apus cannot render yet: compressed pixel data, float pixels, a
    /// photometric interpretation without a decoder.
    case unsupported(String)
    /// Attributes or pixel data that contradict each other.
    case malformed(String)
    /// A rendering parameter out of range (a window width of 0, an empty region…).
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .noPixelData: "the instance has no pixel data to render"
        case .noSuchFrame(let number, let count): "frame \(number) does not exist: the instance has \(count)"
        case .unsupported(let reason): "cannot render this image: \(reason)"
        case .malformed(let reason): "the pixel data cannot be rendered: \(reason)"
        case .invalidParameter(let reason): reason
        }
    }
}

extension ImagingError {
    init(_ error: PixelDataFrameError) {
        switch error {
        case .noPixelData: self = .noPixelData
        case .noSuchFrame(let number, let count): self = .noSuchFrame(number, count: count)
        case .malformed(let reason): self = .malformed(reason)
        }
    }
}
