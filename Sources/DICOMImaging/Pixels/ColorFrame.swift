import NIOCore

/// One colour frame as 8-bit RGB, interleaved: RGB and YBR_FULL of either planar
/// configuration, YBR_FULL_422, 8 or 16 bits (16-bit samples keep their top 8 stored bits).
/// Palette colour frames go through `PaletteColorLUT` instead.
enum ColorFrame {
    static func rgb(frame: ByteBuffer, module: ImagePixelModule) throws(ImagingError) -> [UInt8] {
        let pixels = module.rows * module.columns
        guard frame.readableBytes >= module.frameLength else {
            throw .malformed("a frame of \(frame.readableBytes) bytes is shorter than \(module.frameLength)")
        }
        // Each sample reduced to its 8 most significant stored bits.
        let shift = module.highBit + 1 - min(8, module.bitsStored)
        let mask = module.bitsStored >= 8 ? 0xFF : (1 << module.bitsStored) - 1
        let sampleBytes = module.bitsAllocated / 8
        var output = [UInt8](repeating: 0, count: pixels * 3)
        frame.withUnsafeReadableBytes { raw in
            func sample(_ index: Int) -> Int {
                let word: Int =
                    sampleBytes == 1
                    ? Int(raw[index])
                    : Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
                return (word >> shift) & mask
            }
            output.withUnsafeMutableBufferPointer { out in
                switch (module.photometricInterpretation, module.planarConfiguration) {
                case (.ybrFull422, _):
                    // Y1 Y2 Cb Cr for each horizontal pair; an odd last column has its own group.
                    let groups = (module.columns + 1) / 2
                    for row in 0..<module.rows {
                        for group in 0..<groups {
                            let base = (row * groups + group) * 4
                            let cb = sample(base + 2)
                            let cr = sample(base + 3)
                            for half in 0..<2 where group * 2 + half < module.columns {
                                let pixel = row * module.columns + group * 2 + half
                                YBR.toRGB(y: sample(base + half), cb: cb, cr: cr, into: out, at: pixel * 3)
                            }
                        }
                    }
                case (.rgb, 0) where sampleBytes == 1 && shift == 0 && mask == 0xFF:
                    // The common case: the frame already is what the encoders take.
                    for index in 0..<pixels * 3 { out[index] = raw[index] }
                case (let interpretation, let planar):
                    for pixel in 0..<pixels {
                        let indices =
                            planar == 1
                            ? (pixel, pixels + pixel, 2 * pixels + pixel) : (pixel * 3, pixel * 3 + 1, pixel * 3 + 2)
                        let (a, b, c) = (sample(indices.0), sample(indices.1), sample(indices.2))
                        if interpretation == .ybrFull {
                            YBR.toRGB(y: a, cb: b, cr: c, into: out, at: pixel * 3)
                        } else {
                            out[pixel * 3] = UInt8(a)
                            out[pixel * 3 + 1] = UInt8(b)
                            out[pixel * 3 + 2] = UInt8(c)
                        }
                    }
                }
            }
        }
        return output
    }
}

/// YCbCr to RGB for full-range 8-bit samples (PS3.3 C.7.6.3.1.2, the JFIF equations).
enum YBR {
    static func toRGB(y: Int, cb: Int, cr: Int, into out: UnsafeMutableBufferPointer<UInt8>, at index: Int) {
        let luma = Double(y)
        let blue = Double(cb - 128)
        let red = Double(cr - 128)
        out[index] = clamped(luma + 1.402 * red)
        out[index + 1] = clamped(luma - 0.344136 * blue - 0.714136 * red)
        out[index + 2] = clamped(luma + 1.772 * blue)
    }

    static func clamped(_ value: Double) -> UInt8 {
        UInt8(max(0, min(255, (value + 0.5).rounded(.down))))
    }
}
