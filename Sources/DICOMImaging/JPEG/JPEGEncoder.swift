/// Baseline sequential JPEG (ITU-T T.81, JFIF) of an 8-bit image: one grey component, or
/// YCbCr with the chroma at half resolution both ways (4:2:0) or full (4:4:4); the quantization
/// tables of Annex K scaled by `quality` and its standard Huffman tables.
public struct JPEGEncoder: Sendable {
    public enum Chroma: Sendable, Hashable {
        /// Cb and Cr at half width and height: a quarter of the chroma data, as cameras do.
        case subsampled420
        case full444
    }

    /// 1…100, as IJG's `-quality`.
    public var quality: Int
    public var chroma: Chroma

    public init(quality: Int = 90, chroma: Chroma = .subsampled420) {
        self.quality = max(1, min(100, quality))
        self.chroma = chroma
    }

    public func encode(_ image: RenderedImage) -> [UInt8] {
        let color = image.channels == 3
        let factor = color && chroma == .subsampled420 ? 2 : 1
        let luminance = JPEGTables.quantization(JPEGTables.luminanceQuantization, quality: quality)
        let chrominance = JPEGTables.quantization(JPEGTables.chrominanceQuantization, quality: quality)
        var output: [UInt8] = [0xFF, 0xD8]
        // JFIF APP0: version 1.01, no units, 1:1 pixel aspect, no thumbnail.
        output.appendSegment(
            0xE0, [0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00])
        var tables: [UInt8] = [0x00] + JPEGTables.zigzag.map { UInt8(luminance[$0]) }
        if color { tables += [0x01] + JPEGTables.zigzag.map { UInt8(chrominance[$0]) } }
        output.appendSegment(0xDB, tables)
        var frame: [UInt8] = [8, UInt8(image.height >> 8), UInt8(image.height & 0xFF)]
        frame += [UInt8(image.width >> 8), UInt8(image.width & 0xFF), color ? 3 : 1]
        frame += [1, UInt8(factor << 4 | factor), 0]
        if color { frame += [2, 0x11, 1, 3, 0x11, 1] }
        output.appendSegment(0xC0, frame)
        var huffman: [UInt8] = []
        // Table class (0 DC, 1 AC) and destination: 0 luminance, 1 chrominance.
        var specs: [(UInt8, JPEGTables.HuffmanSpec)] = [(0x00, JPEGTables.luminanceDC), (0x10, JPEGTables.luminanceAC)]
        if color { specs += [(0x01, JPEGTables.chrominanceDC), (0x11, JPEGTables.chrominanceAC)] }
        for (classAndID, spec) in specs { huffman += [classAndID] + spec.counts + spec.symbols }
        output.appendSegment(0xC4, huffman)
        var scan: [UInt8] = [color ? 3 : 1, 1, 0x00]
        if color { scan += [2, 0x11, 3, 0x11] }
        scan += [0, 63, 0]
        output.appendSegment(0xDA, scan)
        let luma = JPEGBlockCoder(
            quantization: luminance, dc: HuffmanCodes(JPEGTables.luminanceDC), ac: HuffmanCodes(JPEGTables.luminanceAC))
        let chromaCoder = JPEGBlockCoder(
            quantization: chrominance, dc: HuffmanCodes(JPEGTables.chrominanceDC),
            ac: HuffmanCodes(JPEGTables.chrominanceAC))
        output += entropyCodedData(image, factor: factor, luma: luma, chroma: chromaCoder)
        output += [0xFF, 0xD9]
        return output
    }

    /// The MCUs in raster order: for each, the Y blocks (factor² of them, row by row), then Cb and Cr.
    private func entropyCodedData(
        _ image: RenderedImage, factor: Int, luma: JPEGBlockCoder, chroma: JPEGBlockCoder
    ) -> [UInt8] {
        let planes = JPEGPlanes(image, factor: factor)
        let mcuSide = 8 * factor
        let mcuColumns = (image.width + mcuSide - 1) / mcuSide
        let mcuRows = (image.height + mcuSide - 1) / mcuSide
        var writer = JPEGBitWriter(capacity: image.width * image.height / 4 + 1024)
        var predictions = [0, 0, 0]
        var block = [Float](repeating: 0, count: 64)
        var coefficients = [Int32](repeating: 0, count: 64)
        block.withUnsafeMutableBufferPointer { block in
            coefficients.withUnsafeMutableBufferPointer { coefficients in
                for mcuRow in 0..<mcuRows {
                    for mcuColumn in 0..<mcuColumns {
                        for blockRow in 0..<factor {
                            for blockColumn in 0..<factor {
                                planes.luma.copyBlock(
                                    x: (mcuColumn * factor + blockColumn) * 8, y: (mcuRow * factor + blockRow) * 8,
                                    into: block)
                                predictions[0] = luma.encode(
                                    block, coefficients: coefficients, previousDC: predictions[0], into: &writer)
                            }
                        }
                        for (index, plane) in [planes.blue, planes.red].enumerated() {
                            guard let plane else { continue }
                            plane.copyBlock(x: mcuColumn * 8, y: mcuRow * 8, into: block)
                            predictions[index + 1] = chroma.encode(
                                block, coefficients: coefficients, previousDC: predictions[index + 1], into: &writer)
                        }
                    }
                }
            }
        }
        return writer.finish()
    }
}

/// The image as level-shifted Y, Cb and Cr planes (JFIF's conversion), each padded by
/// repeating its last row and column to whole MCUs; Cb and Cr averaged over factor×factor.
struct JPEGPlanes {
    struct Plane {
        let width: Int
        let height: Int
        var samples: [Float]

        func copyBlock(x: Int, y: Int, into block: UnsafeMutableBufferPointer<Float>) {
            samples.withUnsafeBufferPointer { samples in
                for row in 0..<8 {
                    let base = (y + row) * width + x
                    for column in 0..<8 { block[row * 8 + column] = samples[base + column] }
                }
            }
        }
    }

    var luma: Plane
    var blue: Plane?
    var red: Plane?

    init(_ image: RenderedImage, factor: Int) {
        let mcuSide = 8 * factor
        let width = (image.width + mcuSide - 1) / mcuSide * mcuSide
        let height = (image.height + mcuSide - 1) / mcuSide * mcuSide
        var y = [Float](repeating: 0, count: width * height)
        var cb = image.channels == 3 ? [Float](repeating: 0, count: width * height) : []
        var cr = cb
        image.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<height {
                let sourceRow = min(row, image.height - 1) * image.width
                for column in 0..<width {
                    let source = sourceRow + min(column, image.width - 1)
                    let target = row * width + column
                    if image.channels == 3 {
                        let r = Float(pixels[source * 3])
                        let g = Float(pixels[source * 3 + 1])
                        let b = Float(pixels[source * 3 + 2])
                        y[target] = 0.299 * r + 0.587 * g + 0.114 * b - 128
                        cb[target] = -0.168735892 * r - 0.331264108 * g + 0.5 * b
                        cr[target] = 0.5 * r - 0.418687589 * g - 0.081312411 * b
                    } else {
                        y[target] = Float(pixels[source]) - 128
                    }
                }
            }
        }
        luma = Plane(width: width, height: height, samples: y)
        guard image.channels == 3 else { return }
        blue = JPEGPlanes.reduced(cb, width: width, height: height, factor: factor)
        red = JPEGPlanes.reduced(cr, width: width, height: height, factor: factor)
    }

    private static func reduced(_ samples: [Float], width: Int, height: Int, factor: Int) -> Plane {
        guard factor > 1 else { return Plane(width: width, height: height, samples: samples) }
        let reducedWidth = width / factor
        let reducedHeight = height / factor
        var output = [Float](repeating: 0, count: reducedWidth * reducedHeight)
        let area = Float(factor * factor)
        for row in 0..<reducedHeight {
            for column in 0..<reducedWidth {
                var sum: Float = 0
                for dy in 0..<factor {
                    for dx in 0..<factor { sum += samples[(row * factor + dy) * width + column * factor + dx] }
                }
                output[row * reducedWidth + column] = sum / area
            }
        }
        return Plane(width: reducedWidth, height: reducedHeight, samples: output)
    }
}

extension [UInt8] {
    /// A marker segment: FF, the marker, the length (itself included), the data.
    fileprivate mutating func appendSegment(_ marker: UInt8, _ data: [UInt8]) {
        let length = data.count + 2
        append(contentsOf: [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)])
        append(contentsOf: data)
    }
}
