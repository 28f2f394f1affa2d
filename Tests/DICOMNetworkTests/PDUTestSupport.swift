import DICOM
import NIOCore

@testable import DICOMNetwork

/// Bytes from hex digits; whitespace is ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = text.compactMap(\.hexDigitValue)
    return stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(digits[$0] << 4 | digits[$0 + 1]) }
}

/// The ASCII bytes of `text`.
func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

/// `text` padded with spaces to 16 bytes: an AE title field.
func aeTitle(_ text: String) -> [UInt8] { ascii(text) + Array(repeating: 0x20, count: 16 - text.utf8.count) }

/// Concatenates the parts of a hand-written PDU.
func assemble(_ parts: [UInt8]...) -> [UInt8] { parts.flatMap { $0 } }

func uid(_ text: String) -> UID { UID(unchecked: text) }

extension PDU {
    /// The encoded bytes, for tests.
    func encodedBytes() throws -> [UInt8] {
        var buffer = ByteBuffer()
        try encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Decodes exactly one PDU that fills `bytes`.
    static func decodeWhole(_ bytes: [UInt8], maximumLength: UInt32 = PDUDecoder.defaultMaximumPDULength) throws -> PDU?
    {
        var buffer = ByteBuffer(bytes: bytes)
        let pdu = try PDU.decode(from: &buffer, maximumLength: maximumLength)
        return buffer.readableBytes == 0 ? pdu : nil
    }
}

/// SplitMix64: a small seeded generator, so every randomized test is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
