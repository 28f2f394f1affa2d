import NIOCore

/// Base64 of RFC 4648 §4 (standard alphabet, padded), for `InlineBinary` values. Written by
/// hand because the DICOM target does not import Foundation, and so that the encoders can
/// write straight into their output.
enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Value of each alphabet byte; 0xFF for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Appends the encoding of `input` to `output`; only the last group is padded, so callers
    /// may encode a long input in pieces whose lengths are multiples of three.
    static func encode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + (input.count + 2) / 3 * 4)
        let alphabet = self.alphabet
        var index = 0
        while index + 3 <= input.count {
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(alphabet[Int(value >> 18 & 0x3F)])
            output.append(alphabet[Int(value >> 12 & 0x3F)])
            output.append(alphabet[Int(value >> 6 & 0x3F)])
            output.append(alphabet[Int(value & 0x3F)])
            index += 3
        }
        let rest = input.count - index
        guard rest > 0 else { return }
        let first = UInt32(input[index]) << 16
        let value = rest == 2 ? first | UInt32(input[index + 1]) << 8 : first
        output.append(alphabet[Int(value >> 18 & 0x3F)])
        output.append(alphabet[Int(value >> 12 & 0x3F)])
        output.append(rest == 2 ? alphabet[Int(value >> 6 & 0x3F)] : UInt8(ascii: "="))
        output.append(UInt8(ascii: "="))
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
