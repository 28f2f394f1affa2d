import NIOCore

/// Base64 of RFC 4648 §4 (standard alphabet, padded), for `InlineBinary` values. Written by
/// hand because the DICOM target does not import Foundation, and so the encoder can write
/// straight into its output buffer.
enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Value of each alphabet byte; 0xFF for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    static func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Appends the encoding of `input` to `output`.
    static func encode(_ input: ByteBuffer, into output: inout ByteBuffer) {
        output.reserveCapacity(minimumWritableBytes: encodedLength(input.readableBytes))
        let table = alphabet
        input.withUnsafeReadableBytes { bytes in
            var index = 0
            var chunk: [UInt8] = []
            chunk.reserveCapacity(4096)
            while index + 3 <= bytes.count {
                let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                chunk.append(table[Int(value >> 18 & 0x3F)])
                chunk.append(table[Int(value >> 12 & 0x3F)])
                chunk.append(table[Int(value >> 6 & 0x3F)])
                chunk.append(table[Int(value & 0x3F)])
                index += 3
                if chunk.count >= 4092 {
                    output.writeBytes(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            let rest = bytes.count - index
            if rest > 0 {
                let first = UInt32(bytes[index]) << 16
                let value = rest == 2 ? first | UInt32(bytes[index + 1]) << 8 : first
                chunk.append(table[Int(value >> 18 & 0x3F)])
                chunk.append(table[Int(value >> 12 & 0x3F)])
                chunk.append(rest == 2 ? table[Int(value >> 6 & 0x3F)] : UInt8(ascii: "="))
                chunk.append(UInt8(ascii: "="))
            }
            output.writeBytes(chunk)
        }
    }

    /// Decodes base64 text; whitespace is skipped (XML content may be wrapped) and the
    /// padding may be left out. Nil for any other byte outside the alphabet, padding in the
    /// middle, or a length that no encoding has.
    static func decode(_ text: some Sequence<UInt8>) -> ByteBuffer? {
        var output = ByteBuffer()
        var accumulator: UInt32 = 0
        var pending = 0
        var padding = 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.underestimatedCount / 4 * 3)
        for byte in text {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                continue
            case UInt8(ascii: "="):
                padding += 1
                guard padding <= 2 else { return nil }
                continue
            default:
                let value = values[Int(byte)]
                guard value != 0xFF, padding == 0 else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                pending += 1
                if pending == 4 {
                    bytes.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                    bytes.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                    bytes.append(UInt8(truncatingIfNeeded: accumulator))
                    accumulator = 0
                    pending = 0
                }
            }
        }
        switch pending {
        case 0:
            guard padding == 0 else { return nil }
        case 2:
            guard padding == 0 || padding == 2 else { return nil }
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            guard padding <= 1 else { return nil }
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        default:
            return nil
        }
        output.writeBytes(bytes)
        return output
    }
}
