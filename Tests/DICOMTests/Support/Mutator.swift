import DICOM

/// Damaged copies of a valid file: cut short, bits flipped, lengths and tags overwritten with
/// the values that break parsers, chunks removed or repeated.
enum Mutator {
    static let hostileWords: [UInt32] = [
        0xFFFF_FFFF, 0xFFFF_FFF0, 0xFFFF_FFFE, 0x7FFF_FFFF, 0x8000_0000, 0x0000_0000, 0x0000_0001,
        0x0001_0000, 0xE000_FFFE, 0xE00D_FFFE, 0xE0DD_FFFE, 0x0010_7FE0, 0x5153_0000, 0x4E55_0000,
    ]

    static func mutate(_ input: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = input
        guard !bytes.isEmpty else { return bytes }
        let offset = Int.random(in: 0..<bytes.count, using: &generator)
        switch Int.random(in: 0..<8, using: &generator) {
        case 0:
            bytes.removeSubrange(offset...)
        case 1:
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^=
                    1 << UInt8.random(in: 0..<8, using: &generator)
            }
        case 2:
            let word = hostileWords.randomElement(using: &generator) ?? 0
            let start = offset & ~1
            for index in 0..<4 where start + index < bytes.count {
                bytes[start + index] = UInt8(truncatingIfNeeded: word >> (8 * UInt32(index)))
            }
        case 3:
            let vr = VRLetters.random(using: &generator)
            if offset + 1 < bytes.count {
                bytes[offset] = vr.0
                bytes[offset + 1] = vr.1
            }
        case 4:
            let tag =
                [Tag.item, .itemDelimitationItem, .sequenceDelimitationItem].randomElement(using: &generator) ?? .item
            let length =
                [0, 0xFFFF_FFFF, UInt32.random(in: 0...64, using: &generator)].randomElement(using: &generator) ?? 0
            var insert = RawEncoder()
            insert.tag(tag)
            insert.u32(length)
            bytes.insert(contentsOf: insert.bytes, at: offset & ~1)
        case 5:
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
        case 6:
            bytes.removeSubrange(offset..<min(bytes.count, offset + Int.random(in: 1...64, using: &generator)))
        default:
            let chunk = bytes[offset..<min(bytes.count, offset + Int.random(in: 1...256, using: &generator))]
            bytes.insert(contentsOf: chunk, at: Int.random(in: 0...bytes.count, using: &generator))
        }
        return bytes
    }
}

/// Two bytes where an explicit VR goes: a real VR, or letters that name none.
enum VRLetters {
    static func random(using generator: inout SplitMix64) -> (UInt8, UInt8) {
        if Bool.random(using: &generator), let vr = VR.allCases.randomElement(using: &generator) {
            return vr.bytes
        }
        return (UInt8.random(in: 0x41...0x5A, using: &generator), UInt8.random(in: 0x41...0x5A, using: &generator))
    }
}
