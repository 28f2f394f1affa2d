import CZlib
import NIOCore

/// The CRC-32 of ZIP entries (ISO 3309, the same as gzip's), computed by zlib as the bytes
/// pass, so that an entry's checksum is known when its last byte has been sent.
struct CRC32: Sendable, Hashable {
    private(set) var value: UInt32 = 0

    mutating func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { update($0) }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var base = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return }
        var remaining = bytes.count
        var crc = uLong(value)
        // zlib takes at most uInt (32 bits) per call.
        while remaining > 0 {
            let count = min(remaining, Int(Int32.max))
            crc = CZlib.crc32(crc, base, uInt(count))
            base += count
            remaining -= count
        }
        value = UInt32(truncatingIfNeeded: crc)
    }

    static func of(_ buffer: ByteBuffer) -> UInt32 {
        var crc = CRC32()
        crc.update(buffer)
        return crc.value
    }
}
