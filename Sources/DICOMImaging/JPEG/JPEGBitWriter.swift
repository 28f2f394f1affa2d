/// The entropy-coded segment of a scan: bits written most significant first, with a 0x00
/// stuffed after every 0xFF byte so that no marker appears in the data (T.81 F.1.2.3).
struct JPEGBitWriter {
    private(set) var bytes: [UInt8]
    private var accumulator: UInt64 = 0
    private var count: Int = 0

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The low `length` bits of `value`; `length` at most 32.
    @inline(__always)
    mutating func write(_ value: UInt32, length: Int) {
        guard length > 0 else { return }
        accumulator = (accumulator << UInt64(length)) | UInt64(value & UInt32((UInt64(1) << UInt64(length)) - 1))
        count += length
        while count >= 8 {
            count -= 8
            let byte = UInt8(truncatingIfNeeded: accumulator >> UInt64(count))
            bytes.append(byte)
            if byte == 0xFF { bytes.append(0) }
        }
    }

    /// Pads the last byte with 1 bits (F.1.2.3) and returns the segment.
    mutating func finish() -> [UInt8] {
        if count > 0 { write(0x7F, length: 8 - count) }
        return bytes
    }
}
