import NIOCore

/// CRC-32 (ISO-HDLC, zlib's `crc32`), to compare large values with the digests that
/// `pydicom-dump.py` prints instead of their bytes.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ buffer: ByteBuffer, appending extra: UInt8? = nil) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            buffer.withUnsafeReadableBytes { bytes in
                for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            }
            if let extra { crc = table[Int((crc ^ UInt32(extra)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
