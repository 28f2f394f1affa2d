import CZlib

/// PNG (ISO/IEC 15948) of an 8-bit grey or RGB image: IHDR, one IDAT of zlib-deflated
/// filtered rows, IEND, each chunk with its CRC-32. Each row takes the filter whose output has
/// the smallest sum of absolute values (the heuristic of the PNG specification, 12.8), which
/// makes medical images, with their smooth gradients, deflate well.
public struct PNGEncoder: Sendable {
    /// zlib's level: 1 is fastest; 6, zlib's default, gains a few percent for twice the time.
    public var compressionLevel: Int32

    public init(compressionLevel: Int32 = 3) {
        self.compressionLevel = compressionLevel
    }

    public func encode(_ image: RenderedImage) -> [UInt8] {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(image.width))
        header.appendBigEndian(UInt32(image.height))
        // Bit depth 8; colour type 0 (grey) or 2 (RGB); deflate; adaptive filtering; no interlace.
        header += [8, image.channels == 3 ? 2 : 0, 0, 0, 0]
        png.appendChunk("IHDR", header)
        png.appendChunk("IDAT", compress(filtered(image)))
        png.appendChunk("IEND", [])
        return png
    }

    /// Each row preceded by its filter type byte (PNG 9.2).
    func filtered(_ image: RenderedImage) -> [UInt8] {
        let stride = image.width * image.channels
        let bpp = image.channels
        var output = [UInt8](repeating: 0, count: (stride + 1) * image.height)
        var candidate = [UInt8](repeating: 0, count: stride)
        var best = [UInt8](repeating: 0, count: stride)
        let zeros = [UInt8](repeating: 0, count: stride)
        image.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<image.height {
                let line = UnsafeBufferPointer(rebasing: pixels[row * stride..<(row + 1) * stride])
                let previousLine =
                    row == 0
                    ? nil : UnsafeBufferPointer(rebasing: pixels[(row - 1) * stride..<row * stride])
                var bestType: UInt8 = 0
                var bestCost = Int.max
                zeros.withUnsafeBufferPointer { zero in
                    let above = previousLine ?? zero
                    for type in UInt8(0)...4 {
                        let cost = candidate.withUnsafeMutableBufferPointer { out in
                            PNGEncoder.filter(type, line, above, bpp: bpp, into: out)
                        }
                        if cost < bestCost {
                            bestCost = cost
                            bestType = type
                            swap(&best, &candidate)
                        }
                    }
                }
                let base = row * (stride + 1)
                output[base] = bestType
                output.withUnsafeMutableBufferPointer { out in
                    best.withUnsafeBufferPointer { source in
                        for index in 0..<stride { out[base + 1 + index] = source[index] }
                    }
                }
            }
        }
        return output
    }

    /// One row through filter `type` (PNG 9.2–9.4); the cost is the sum of the output bytes
    /// read as signed values. One loop per filter, so that none branches per byte.
    private static func filter(
        _ type: UInt8, _ line: UnsafeBufferPointer<UInt8>, _ above: UnsafeBufferPointer<UInt8>, bpp: Int,
        into out: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        let count = line.count
        let lead = min(bpp, count)
        var cost = 0
        @inline(__always) func emit(_ index: Int, _ value: UInt8) {
            out[index] = value
            cost &+= Int(Int8(bitPattern: value).magnitude)
        }
        switch type {
        case 0:
            for index in 0..<count { emit(index, line[index]) }
        case 1:
            for index in 0..<lead { emit(index, line[index]) }
            for index in lead..<count { emit(index, line[index] &- line[index - bpp]) }
        case 2:
            for index in 0..<count { emit(index, line[index] &- above[index]) }
        case 3:
            for index in 0..<lead { emit(index, line[index] &- above[index] / 2) }
            for index in lead..<count {
                emit(index, line[index] &- UInt8((UInt16(line[index - bpp]) + UInt16(above[index])) / 2))
            }
        default:
            for index in 0..<lead { emit(index, line[index] &- above[index]) }
            for index in lead..<count {
                emit(index, line[index] &- paeth(line[index - bpp], above[index], above[index - bpp]))
            }
        }
        return cost
    }

    /// The Paeth predictor (PNG 9.4): whichever of left, above and upper-left is closest to
    /// left + above - upper-left.
    @inline(__always)
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a))
        let pb = abs(p - Int(b))
        let pc = abs(p - Int(c))
        if pa <= pb, pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// A zlib stream (RFC 1950: header, deflate, Adler-32), as IDAT holds it.
    private func compress(_ data: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { target in
            data.withUnsafeBufferPointer { source in
                compress2(target.baseAddress, &length, source.baseAddress, uLong(source.count), compressionLevel)
            }
        }
        // compressBound guarantees the room; only running out of memory fails, and then
        // level 0 (stored blocks) still gives a valid stream.
        if status != Z_OK {
            length = compressBound(uLong(data.count))
            _ = output.withUnsafeMutableBufferPointer { target in
                data.withUnsafeBufferPointer { source in
                    compress2(target.baseAddress, &length, source.baseAddress, uLong(source.count), 0)
                }
            }
        }
        return Array(output.prefix(Int(length)))
    }
}

extension [UInt8] {
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [
            UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF),
        ])
    }

    /// Length, type, data and the CRC-32 of type and data (PNG 5.3).
    fileprivate mutating func appendChunk(_ type: String, _ data: [UInt8]) {
        appendBigEndian(UInt32(data.count))
        let typeBytes = Array(type.utf8)
        var crc = typeBytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        // zlib answers a null buffer with the initial CRC, so an empty chunk skips the call.
        if !data.isEmpty { crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) } }
        append(contentsOf: typeBytes)
        append(contentsOf: data)
        appendBigEndian(UInt32(truncatingIfNeeded: crc))
    }
}
