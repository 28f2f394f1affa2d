import DICOMImaging
import Hummingbird

/// The media types rendered resources come in (PS3.18 8.7.4, Table 8.7.4-1): JPEG, the
/// default for images, and PNG, lossless for 8-bit renderings.
enum RenderedMediaType: String, Sendable {
    case jpeg = "image/jpeg"
    case png = "image/png"

    /// The first acceptable type, by weight then order: an entry naming one of ours,
    /// `image/*` or `*/*` (JPEG), or a `multipart/related` whose `type` is one of ours. No
    /// Accept at all is JPEG.
    static func negotiate(accept: String?) throws -> RenderedMediaType {
        guard let accept, !accept.trimmingSpaces().isEmpty else { return .jpeg }
        let ranges = MediaRange.parseAccept(accept)
        for range in ranges {
            if let type = RenderedMediaType(rawValue: range.mediaType) { return type }
            if range.mediaType == "multipart/related", let part = range.partType,
                let type = RenderedMediaType(rawValue: part)
            {
                return type
            }
            if range.covers("image/jpeg") { return .jpeg }
        }
        throw DICOMwebError.notAcceptable(
            "rendered images are offered as image/jpeg and image/png, not \(accept)")
    }

    /// The image in this type; `quality` for JPEG, where a higher quality also keeps the
    /// colour at full resolution.
    func encode(_ image: RenderedImage, quality: Int?) -> [UInt8] {
        switch self {
        case .png:
            return PNGEncoder().encode(image)
        case .jpeg:
            let quality = quality ?? 90
            return JPEGEncoder(quality: quality, chroma: quality >= 95 ? .full444 : .subsampled420).encode(image)
        }
    }
}

extension DICOMwebError {
    /// What a client gets when an image cannot be rendered: 400 for a bad parameter or frame
    /// number (PS3.18 8.3.5, 9.5.2), 406 for what Apus cannot render into any image type it
    /// offers (compressed or float pixel data, no pixel data), with the reason.
    static func rendering(_ error: ImagingError) -> HTTPError {
        switch error {
        case .invalidParameter, .noSuchFrame:
            badRequest(error.description)
        case .noPixelData, .unsupported, .malformed:
            notAcceptable(error.description)
        }
    }
}
