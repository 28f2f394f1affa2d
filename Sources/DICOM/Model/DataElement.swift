public import NIOCore

/// One data element: its tag, its VR and its value (PS3.5 §7.1).
///
/// Primitive values are kept as the bytes of the encoding, in little endian order and with
/// their padding. A value read from a file is a slice of the file's buffer, so bulk data
/// (pixel data, large OB/OW/UN) is referenced, never copied.
public struct DataElement: Sendable, Equatable {
    public var tag: Tag
    public var vr: VR
    public var value: Value

    public enum Value: Sendable, Equatable {
        /// A primitive value, little endian, with padding.
        case bytes(ByteBuffer)
        /// The items of a sequence (VR SQ).
        case sequence([DataSet])
        /// Encapsulated pixel data (PS3.5 A.4): the basic offset table and the fragments, as bytes.
        case encapsulated(EncapsulatedPixelData)
    }

    public init(tag: Tag, vr: VR, value: Value) {
        self.tag = tag
        self.vr = vr
        self.value = value
    }

    public init(tag: Tag, vr: VR, bytes: ByteBuffer) {
        self.init(tag: tag, vr: vr, value: .bytes(bytes))
    }

    /// The raw bytes of a primitive value, nil for sequences and encapsulated data.
    public var bytes: ByteBuffer? {
        if case .bytes(let buffer) = value { return buffer }
        return nil
    }

    /// The items of a sequence, nil for anything else.
    public var items: [DataSet]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    /// Length of the value as encoded with defined length; nil for sequences and encapsulated data.
    public var valueLength: Int? {
        bytes?.readableBytes
    }
}

/// Pixel data as fragments (PS3.5 A.4): an item for the basic offset table, then one item per
/// fragment. The extended offset table, where present, lives in its own elements.
public struct EncapsulatedPixelData: Sendable, Equatable {
    public var basicOffsetTable: ByteBuffer
    public var fragments: [ByteBuffer]

    public init(basicOffsetTable: ByteBuffer, fragments: [ByteBuffer]) {
        self.basicOffsetTable = basicOffsetTable
        self.fragments = fragments
    }

    /// Offsets of the frames' first fragments from the basic offset table; empty when the
    /// table is empty or malformed.
    public var frameOffsets: [UInt32] {
        var table = basicOffsetTable
        guard table.readableBytes % 4 == 0 else { return [] }
        var offsets: [UInt32] = []
        offsets.reserveCapacity(table.readableBytes / 4)
        while let offset = table.readInteger(endianness: .little, as: UInt32.self) {
            offsets.append(offset)
        }
        return offsets
    }
}
