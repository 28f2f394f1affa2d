/// Resizing with a triangle (bilinear) filter widened by the reduction factor, so that a
/// reduction averages every source pixel under the target pixel instead of skipping most of
/// them (the filter Pillow's BILINEAR uses). Separable: rows, then columns.
enum Resampler {
    static func resize(_ image: RenderedImage, width: Int, height: Int) -> RenderedImage {
        if image.width == width, image.height == height { return image }
        let channels = image.channels
        let horizontal = Weights(source: image.width, target: width)
        let vertical = Weights(source: image.height, target: height)
        // Rows first, into floats, then columns, rounded once at the end.
        var across = [Float](repeating: 0, count: width * image.height * channels)
        image.pixels.withUnsafeBufferPointer { source in
            across.withUnsafeMutableBufferPointer { target in
                for row in 0..<image.height {
                    let sourceRow = row * image.width * channels
                    let targetRow = row * width * channels
                    for column in 0..<width {
                        let (start, weights) = horizontal.taps(column)
                        for channel in 0..<channels {
                            var sum: Float = 0
                            for (offset, weight) in weights.enumerated() {
                                sum += Float(source[sourceRow + (start + offset) * channels + channel]) * weight
                            }
                            target[targetRow + column * channels + channel] = sum
                        }
                    }
                }
            }
        }
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        across.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                let stride = width * channels
                for row in 0..<height {
                    let (start, weights) = vertical.taps(row)
                    for index in 0..<stride {
                        var sum: Float = 0
                        for (offset, weight) in weights.enumerated() {
                            sum += source[(start + offset) * stride + index] * weight
                        }
                        target[row * stride + index] = UInt8(max(0, min(255, (sum + 0.5).rounded(.down))))
                    }
                }
            }
        }
        return RenderedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// For each target position along one axis, the first source position it reads and the
    /// normalised weights of the source positions from there.
    struct Weights {
        private var starts: [Int] = []
        private var counts: [Int] = []
        private var weights: [Float] = []
        private let stride: Int

        init(source: Int, target: Int) {
            let scale = Double(source) / Double(target)
            let widening = max(scale, 1)
            let support = widening
            stride = Int((2 * support).rounded(.up)) + 2
            for index in 0..<target {
                let center = (Double(index) + 0.5) * scale
                let first = max(0, Int(center - support + 0.5))
                let last = min(source, Int(center + support + 0.5))
                var row = (first..<max(first + 1, last)).map { position in
                    max(0, 1 - abs((Double(position) - center + 0.5) / widening))
                }
                let total = row.reduce(0, +)
                if total > 0 { row = row.map { $0 / total } } else { row = [1] }
                let taps = min(row.count, stride, source - first)
                starts.append(min(first, source - 1))
                counts.append(taps)
                weights.append(contentsOf: row.prefix(taps).map(Float.init))
                weights.append(contentsOf: repeatElement(0, count: stride - taps))
            }
        }

        func taps(_ index: Int) -> (start: Int, weights: ArraySlice<Float>) {
            let base = index * stride
            return (starts[index], weights[base..<base + counts[index]])
        }
    }
}
