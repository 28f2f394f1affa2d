/// One 8×8 block through the forward DCT, quantization and Huffman coding of baseline JPEG
/// (T.81 A.3.3, F.1.2). The DCT is the AAN factorisation in floating point (as IJG's
/// `jfdctflt.c`), its output scale folded into the quantization divisors.
struct JPEGBlockCoder {
    /// 1 / (step × AAN scale of the row × AAN scale of the column × 8), in natural order.
    private let reciprocals: [Float]
    /// A copy of the zig-zag order, so the hot loop reads no global.
    private let zigzag = JPEGTables.zigzag
    private let dc: HuffmanCodes
    private let ac: HuffmanCodes

    init(quantization: [Int], dc: HuffmanCodes, ac: HuffmanCodes) {
        let scales: [Double] = [
            1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.541196100, 0.275899379,
        ]
        var reciprocals: [Float] = []
        for index in 0..<64 {
            let divisor: Double = Double(quantization[index]) * scales[index / 8] * scales[index % 8] * 8
            reciprocals.append(Float(1 / divisor))
        }
        self.reciprocals = reciprocals
        self.dc = dc
        self.ac = ac
    }

    /// Codes `block` (64 samples, level-shifted to −128…127, natural order; overwritten, as is
    /// the `coefficients` scratch space) and returns its DC value for the next block's prediction.
    @inline(__always)
    func encode(
        _ block: UnsafeMutableBufferPointer<Float>, coefficients: UnsafeMutableBufferPointer<Int32>, previousDC: Int,
        into writer: inout JPEGBitWriter
    ) -> Int {
        JPEGBlockCoder.forwardDCT(block)
        reciprocals.withUnsafeBufferPointer { reciprocal in
            zigzag.withUnsafeBufferPointer { order in
                for position in 0..<64 {
                    let natural = order[position]
                    coefficients[position] = Int32((block[natural] * reciprocal[natural]).rounded())
                }
            }
        }
        let value = Int(coefficients[0])
        let difference = value - previousDC
        let dcCategory = JPEGBlockCoder.category(difference)
        writer.write(UInt32(dc.codes[dcCategory]), length: Int(dc.lengths[dcCategory]))
        writer.write(JPEGBlockCoder.bits(difference, dcCategory), length: dcCategory)
        var run = 0
        for position in 1..<64 {
            let coefficient = Int(coefficients[position])
            if coefficient == 0 {
                run += 1
                continue
            }
            while run > 15 {
                writer.write(UInt32(ac.codes[0xF0]), length: Int(ac.lengths[0xF0]))
                run -= 16
            }
            let size = JPEGBlockCoder.category(coefficient)
            let symbol = run << 4 | size
            writer.write(UInt32(ac.codes[symbol]), length: Int(ac.lengths[symbol]))
            writer.write(JPEGBlockCoder.bits(coefficient, size), length: size)
            run = 0
        }
        if run > 0 { writer.write(UInt32(ac.codes[0]), length: Int(ac.lengths[0])) }
        return value
    }

    /// The number of bits of |value| (T.81 F.1.2.1.1, SSSS).
    @inline(__always)
    static func category(_ value: Int) -> Int {
        value == 0 ? 0 : Int.bitWidth - value.magnitude.leadingZeroBitCount
    }

    /// The additional bits: the value itself, or for a negative value its one's complement.
    @inline(__always)
    static func bits(_ value: Int, _ size: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: value < 0 ? value - 1 : value) & ((1 << UInt32(size)) &- 1)
    }

    /// In-place 2-D forward DCT, rows then columns, of an 8×8 block (AAN).
    static func forwardDCT(_ data: UnsafeMutableBufferPointer<Float>) {
        for row in 0..<8 { pass(data, start: row * 8, step: 1) }
        for column in 0..<8 { pass(data, start: column, step: 8) }
    }

    @inline(__always)
    private static func pass(_ d: UnsafeMutableBufferPointer<Float>, start: Int, step: Int) {
        let i0 = start
        let i1 = start + step
        let i2 = start + 2 * step
        let i3 = start + 3 * step
        let i4 = start + 4 * step
        let i5 = start + 5 * step
        let i6 = start + 6 * step
        let i7 = start + 7 * step
        let tmp0 = d[i0] + d[i7]
        let tmp7 = d[i0] - d[i7]
        let tmp1 = d[i1] + d[i6]
        let tmp6 = d[i1] - d[i6]
        let tmp2 = d[i2] + d[i5]
        let tmp5 = d[i2] - d[i5]
        let tmp3 = d[i3] + d[i4]
        let tmp4 = d[i3] - d[i4]
        // Even part.
        let tmp10 = tmp0 + tmp3
        let tmp13 = tmp0 - tmp3
        let tmp11 = tmp1 + tmp2
        let tmp12 = tmp1 - tmp2
        d[i0] = tmp10 + tmp11
        d[i4] = tmp10 - tmp11
        let z1 = (tmp12 + tmp13) * 0.707106781
        d[i2] = tmp13 + z1
        d[i6] = tmp13 - z1
        // Odd part.
        let odd10 = tmp4 + tmp5
        let odd11 = tmp5 + tmp6
        let odd12 = tmp6 + tmp7
        let z5 = (odd10 - odd12) * 0.382683433
        let z2 = 0.541196100 * odd10 + z5
        let z4 = 1.306562965 * odd12 + z5
        let z3 = odd11 * 0.707106781
        let z11 = tmp7 + z3
        let z13 = tmp7 - z3
        d[i5] = z13 + z2
        d[i3] = z13 - z2
        d[i1] = z11 + z4
        d[i7] = z11 - z4
    }
}
