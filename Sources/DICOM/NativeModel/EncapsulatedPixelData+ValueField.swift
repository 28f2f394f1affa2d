public import NIOCore

/// Encapsulated pixel data as one octet stream, for `InlineBinary` and bulk data.
///
/// PS3.18 F.2.7 says InlineBinary holds "the enclosing attribute's Value Field"; for encapsulated
/// pixel data that is the item sequence of PS3.5 A.4: the basic offset table item, then one item
/// (tag FFFE,E000, 32-bit length, bytes) per fragment. The sequence delimitation item that ends
/// the undefined length is left out, as pydicom and DCMTK do; reading accepts it either way.
extension EncapsulatedPixelData {
    /// Bytes of the value field: each item's 8-byte header and its (even-length) value.
    public var valueFieldLength: Int {
        fragments.reduce(8 + Self.paddedLength(basicOffsetTable)) { $0 + 8 + Self.paddedLength($1) }
    }

    public var valueField: ByteBuffer {
        var output = ByteBuffer()
        output.reserveCapacity(valueFieldLength)
        Self.writeItem(basicOffsetTable, into: &output)
        for fragment in fragments { Self.writeItem(fragment, into: &output) }
        return output
    }

    /// Reads a value field back into the offset table and fragments; nil when the bytes are not
    /// exactly a sequence of items (so native pixel data is never mistaken for encapsulated
    /// data unless its bytes happen to form a complete, well-formed item sequence).
    public init?(valueField: ByteBuffer) {
        var input = valueField
        var items: [ByteBuffer] = []
        while input.readableBytes > 0 {
            guard let group = input.readInteger(endianness: .little, as: UInt16.self),
                let element = input.readInteger(endianness: .little, as: UInt16.self),
                let length = input.readInteger(endianness: .little, as: UInt32.self)
            else { return nil }
            let tag = Tag(group, element)
            if tag == .sequenceDelimitationItem {
                guard length == 0, input.readableBytes == 0 else { return nil }
                break
            }
            guard tag == .item, length != 0xFFFF_FFFF, let item = input.readSlice(length: Int(length)) else {
                return nil
            }
            items.append(item)
        }
        guard let offsetTable = items.first else { return nil }
        self.init(basicOffsetTable: offsetTable, fragments: Array(items.dropFirst()))
    }

    private static func paddedLength(_ item: ByteBuffer) -> Int {
        item.readableBytes + item.readableBytes % 2
    }

    private static func writeItem(_ item: ByteBuffer, into output: inout ByteBuffer) {
        output.writeInteger(Tag.item.group, endianness: .little)
        output.writeInteger(Tag.item.element, endianness: .little)
        output.writeInteger(UInt32(truncatingIfNeeded: paddedLength(item)), endianness: .little)
        output.writeImmutableBuffer(item)
        if item.readableBytes % 2 == 1 { output.writeInteger(UInt8(0)) }
    }
}
