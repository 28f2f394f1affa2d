public import NIOCore

/// The stored values of one monochrome (or palette index) frame, in row order: the bits of
/// Bits Stored below High Bit, sign-extended when Pixel Representation is 1 (PS3.5 8.1.1).
/// Bits outside them (overlays of old files, garbage) are dropped.
public struct MonochromeFrame: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var values: [Int32]
    /// The smallest and largest stored value; rendering builds its lookup table between them.
    public var minimum: Int32
    public var maximum: Int32

    public init(frame: ByteBuffer, module: ImagePixelModule) throws(ImagingError) {
        let count = module.rows * module.columns
        let sampleBytes = module.bitsAllocated / 8
        guard frame.readableBytes >= count * sampleBytes else {
            throw .malformed(
                "a frame of \(frame.readableBytes) bytes is shorter than \(count) samples of \(sampleBytes) bytes")
        }
        guard module.bitsStored < 32 || module.isSigned else {
            throw .unsupported("unsigned 32-bit stored values")
        }
        let layout = BitLayout(module)
        var minimum = Int32.max
        var maximum = Int32.min
        let values = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            frame.withUnsafeReadableBytes { raw in
                switch sampleBytes {
                case 1: (minimum, maximum) = layout.decode(raw, as: UInt8.self, count: count, into: buffer)
                case 2: (minimum, maximum) = layout.decode(raw, as: UInt16.self, count: count, into: buffer)
                default: (minimum, maximum) = layout.decode(raw, as: UInt32.self, count: count, into: buffer)
                }
            }
            initialized = count
        }
        self.width = module.columns
        self.height = module.rows
        self.values = values
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// Where the stored bits sit in a sample and how they extend to 32 bits.
private struct BitLayout {
    let shift: UInt32
    let mask: UInt32
    let signBit: UInt32
    /// Two's complement of Bits Stored bits: once the sign bit is set, the bits above it are
    /// set too (the same as subtracting 2^bitsStored, without a wider type).
    let extensionBits: UInt32

    init(_ module: ImagePixelModule) {
        shift = UInt32(module.highBit + 1 - module.bitsStored)
        mask = module.bitsStored == 32 ? .max : (1 << UInt32(module.bitsStored)) - 1
        signBit = module.isSigned ? 1 << UInt32(module.bitsStored - 1) : 0
        extensionBits = module.isSigned && module.bitsStored < 32 ? ~mask : 0
    }

    /// Little endian samples of `Sample`'s width into `output`; the smallest and largest value.
    func decode<Sample: FixedWidthInteger & UnsignedInteger>(
        _ raw: UnsafeRawBufferPointer, as _: Sample.Type, count: Int, into output: UnsafeMutableBufferPointer<Int32>
    ) -> (Int32, Int32) {
        var minimum = Int32.max
        var maximum = Int32.min
        let stride = MemoryLayout<Sample>.size
        for index in 0..<count {
            let sample = Sample(littleEndian: raw.loadUnaligned(fromByteOffset: index * stride, as: Sample.self))
            var bits = (UInt32(truncatingIfNeeded: sample) >> shift) & mask
            if bits & signBit != 0 { bits |= extensionBits }
            let value = Int32(bitPattern: bits)
            minimum = min(minimum, value)
            maximum = max(maximum, value)
            output[index] = value
        }
        return (minimum, maximum)
    }
}
