/// A rectangle of source pixels: its top-left corner and its size (PS3.18 8.3.5.1.3's sx, sy,
/// sw, sh). A negative width or height selects the same rectangle, flipped horizontally or
/// vertically.
public struct ImageRegion: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The pixels of `image` in this region, flipped as asked. The region must lie inside.
    public func crop(_ image: RenderedImage) throws(ImagingError) -> RenderedImage {
        let columns = abs(width)
        let rows = abs(height)
        guard columns > 0, rows > 0, x >= 0, y >= 0, x + columns <= image.width, y + rows <= image.height else {
            throw .invalidParameter(
                "the region \(x),\(y),\(width),\(height) does not lie inside the \(image.width)×\(image.height) image")
        }
        let channels = image.channels
        var pixels = [UInt8](repeating: 0, count: columns * rows * channels)
        for row in 0..<rows {
            let sourceRow = y + (height < 0 ? rows - 1 - row : row)
            for column in 0..<columns {
                let sourceColumn = x + (width < 0 ? columns - 1 - column : column)
                let source = (sourceRow * image.width + sourceColumn) * channels
                let target = (row * columns + column) * channels
                for channel in 0..<channels { pixels[target + channel] = image.pixels[source + channel] }
            }
        }
        return RenderedImage(width: columns, height: rows, channels: channels, pixels: pixels)
    }
}
