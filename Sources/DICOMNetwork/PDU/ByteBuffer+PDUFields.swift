import DICOM
import NIOCore

/// An item or sub-item: 1 Item-type, 2 Reserved, 3-4 Item-length, 5-xxx the value.
struct PDUItem {
    var type: UInt8
    var value: ByteBuffer
}

// Bounds-checked reads that name the field they read, and length back-filling writes.
// Everything here is big endian (PS3.8 §9.3.1).
extension ByteBuffer {
    mutating func readPDUInteger<T: FixedWidthInteger>(as type: T.Type = T.self, field: String) throws(PDUError) -> T {
        guard let value = readInteger(as: T.self) else {
            throw .truncated(field: field, needed: MemoryLayout<T>.size, available: readableBytes)
        }
        return value
    }

    mutating func readPDUSlice(length: Int, field: String) throws(PDUError) -> ByteBuffer {
        guard let slice = readSlice(length: length) else {
            throw .truncated(field: field, needed: length, available: readableBytes)
        }
        return slice
    }

    mutating func skipPDUBytes(_ count: Int, field: String) throws(PDUError) {
        guard readableBytes >= count else {
            throw .truncated(field: field, needed: count, available: readableBytes)
        }
        moveReaderIndex(forwardBy: count)
    }

    /// The next item of `parent`, or nil at its end.
    mutating func readPDUItem(in parent: String) throws(PDUError) -> PDUItem? {
        guard readableBytes > 0 else { return nil }
        guard readableBytes >= 4, let type = readInteger(as: UInt8.self) else {
            throw .truncated(field: "item header in \(parent)", needed: 4, available: readableBytes)
        }
        // 2 Reserved (not tested), 3-4 Item-length
        moveReaderIndex(forwardBy: 1)
        let length = try readPDUInteger(as: UInt16.self, field: "Item-length in \(parent)")
        let value = try readPDUSlice(length: Int(length), field: "item \(hex(type)) in \(parent)")
        return PDUItem(type: type, value: value)
    }

    /// A field preceded by its 2-byte length (UID-length, Primary-field-length, …).
    mutating func readPDULengthPrefixedSlice(field: String) throws(PDUError) -> ByteBuffer {
        let length = try readPDUInteger(as: UInt16.self, field: "\(field) length")
        return try readPDUSlice(length: Int(length), field: field)
    }

    /// Writes a zero placeholder for a length field that `fillPDULength` sets once the value after
    /// it is written: NIO's `writeLengthPrefixed` without the closure, so typed throws pass through.
    mutating func writePDULengthPlaceholder<Length: FixedWidthInteger & UnsignedInteger>(
        _ lengthType: Length.Type
    ) -> PDULengthMark<Length> {
        let mark = PDULengthMark<Length>(index: writerIndex)
        writeInteger(Length.zero)
        return mark
    }

    /// Sets the length field at `mark` to the number of bytes written after it.
    mutating func fillPDULength<Length>(_ mark: PDULengthMark<Length>, field: String) throws(PDUError) {
        let length = writerIndex - mark.index - MemoryLayout<Length>.size
        guard let value = Length(exactly: length) else {
            throw .valueTooLong(field: field, length: length, maximum: Int(Length.max))
        }
        setInteger(value, at: mark.index)
    }

    /// 1 Item-type, 2 Reserved, 3-4 Item-length (a placeholder until `fillPDULength`).
    mutating func writePDUItemHeader(type: UInt8) -> PDULengthMark<UInt16> {
        writeInteger(type)
        writeInteger(UInt8(0))
        return writePDULengthPlaceholder(UInt16.self)
    }

    /// An item whose value is `bytes`.
    mutating func writePDUItem(type: UInt8, field: String, bytes: some Collection<UInt8>) throws(PDUError) {
        let item = writePDUItemHeader(type: type)
        writeBytes(bytes)
        try fillPDULength(item, field: field)
    }

    /// A 2-byte length followed by `bytes`.
    mutating func writePDULengthPrefixedBytes(_ bytes: some Collection<UInt8>, field: String) throws(PDUError) {
        let mark = writePDULengthPlaceholder(UInt16.self)
        writeBytes(bytes)
        try fillPDULength(mark, field: field)
    }
}

/// Where a length field waits to be filled in.
struct PDULengthMark<Length: FixedWidthInteger & UnsignedInteger> {
    var index: Int
}
