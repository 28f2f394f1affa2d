import DICOM
import NIOCore

/// The text fields of the Upper Layer protocol: UIDs, AE titles, the implementation version name.
///
/// Text that is not a UID is mapped byte for byte to the first 256 Unicode scalars (ISO 8859-1),
/// so any byte string decodes and encodes back unchanged.
enum PDUText {
    /// A UID field. NUL or space padding at either end (peers send both) is dropped; the rest must
    /// be 1–64 digits and dots. UIDs that break PS3.5 §9.1 otherwise (leading zeros, empty
    /// components) are accepted as they are, for the association layer to refuse or not.
    static func uid(_ value: ByteBuffer, field: String) throws(PDUError) -> UID {
        let bytes = trimmingPadding(value.readableBytesView)
        let isUIDText = bytes.allSatisfy { $0 == UInt8(ascii: ".") || (0x30...0x39).contains($0) }
        let text = String(decoding: bytes, as: UTF8.self)
        guard isUIDText, (1...64).contains(bytes.count) else {
            throw .invalidValue(field: field, value: latin1(value.readableBytesView.prefix(100)))
        }
        return UID(text) ?? UID(unchecked: text)
    }

    /// A UID preceded by its 2-byte length.
    static func lengthPrefixedUID(from buffer: inout ByteBuffer, field: String) throws(PDUError) -> UID {
        try uid(buffer.readPDULengthPrefixedSlice(field: field), field: field)
    }

    /// A 16-byte AE title field, leading and trailing spaces (and NULs) removed.
    static func aeTitle(from buffer: inout ByteBuffer, field: String) throws(PDUError) -> String {
        let field = try buffer.readPDUSlice(length: 16, field: field)
        return latin1(trimmingPadding(field.readableBytesView))
    }

    /// Writes an AE title as exactly 16 bytes: truncated, then padded with spaces.
    static func writeAETitle(_ title: String, into buffer: inout ByteBuffer) {
        let bytes = latin1Bytes(title).prefix(16)
        buffer.writeBytes(bytes)
        buffer.writeRepeatingByte(0x20, count: 16 - bytes.count)
    }

    static func latin1(_ bytes: some Sequence<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return String(scalars)
    }

    /// Characters outside ISO 8859-1 are written as "?".
    static func latin1Bytes(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { $0.value <= 0xFF ? UInt8(truncatingIfNeeded: $0.value) : UInt8(ascii: "?") }
    }

    /// Drops leading and trailing spaces and NULs.
    private static func trimmingPadding(_ bytes: ByteBufferView) -> ByteBufferView {
        let isPadding = { (byte: UInt8) in byte == 0x20 || byte == 0x00 }
        var slice = bytes[...]
        while let first = slice.first, isPadding(first) { slice = slice.dropFirst() }
        while let last = slice.last, isPadding(last) { slice = slice.dropLast() }
        return slice
    }
}
