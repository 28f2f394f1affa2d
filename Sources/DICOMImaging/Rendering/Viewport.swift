/// Where a rendered image goes (PS3.18 8.3.5.1.3): a viewport of `width`×`height` pixels and,
/// optionally, the source region to show in it. The region is scaled to fit the viewport with
/// its aspect ratio kept, so the result is at most `width`×`height`, as large as fits.
public struct Viewport: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var region: ImageRegion?

    /// The largest viewport side accepted: big enough for any display, small enough that a
    /// request cannot make the server allocate gigabytes.
    public static let maximumSide = 8192

    public init(width: Int, height: Int, region: ImageRegion? = nil) throws(ImagingError) {
        guard (1...Viewport.maximumSide).contains(width), (1...Viewport.maximumSide).contains(height) else {
            throw .invalidParameter(
                "the viewport \(width)×\(height) must be 1 to \(Viewport.maximumSide) pixels on each side")
        }
        self.width = width
        self.height = height
        self.region = region
    }

    /// The size a `sourceWidth`×`sourceHeight` image takes in the viewport.
    public func fittedSize(sourceWidth: Int, sourceHeight: Int) -> (width: Int, height: Int) {
        let scale = min(Double(width) / Double(sourceWidth), Double(height) / Double(sourceHeight))
        return (
            max(1, min(width, Int((Double(sourceWidth) * scale).rounded()))),
            max(1, min(height, Int((Double(sourceHeight) * scale).rounded())))
        )
    }

    public func apply(to image: RenderedImage) throws(ImagingError) -> RenderedImage {
        let source = try region?.crop(image) ?? image
        let size = fittedSize(sourceWidth: source.width, sourceHeight: source.height)
        return Resampler.resize(source, width: size.width, height: size.height)
    }
}
