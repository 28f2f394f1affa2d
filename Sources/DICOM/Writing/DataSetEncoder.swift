import NIOCore

/// Encodes data sets in one transfer syntax (PS3.5 §7). Sequences and items are written with
/// undefined length, so nothing has to be measured before it is written; values are copied
/// into the output once, from the slices they are kept as.
struct DataSetEncoder {
    let isExplicitVR: Bool
    let isLittleEndian: Bool

    init(transferSyntax: TransferSyntax) {
        self.isExplicitVR = transferSyntax.isExplicitVR
        self.isLittleEndian = transferSyntax.isLittleEndian
    }

    init(isExplicitVR: Bool, isLittleEndian: Bool) {
        self.isExplicitVR = isExplicitVR
        self.isLittleEndian = isLittleEndian
    }

    var endianness: Endianness { isLittleEndian ? .little : .big }

    func encode(_ dataSet: DataSet, into output: inout ByteBuffer) throws(DICOMWriteError) {
        for element in dataSet.elements {
            // Group lengths other than the meta's are retired and go stale on any edit.
            if element.tag.isGroupLength, element.tag.group != 0x0002 { continue }
            try encode(element, into: &output)
        }
    }

    func encode(_ element: DataElement, into output: inout ByteBuffer) throws(DICOMWriteError) {
        switch element.value {
        case .bytes(let value):
            var length = value.readableBytes
            let padded = length % 2 == 1
            if padded { length += 1 }
            var vr = element.vr
            if isExplicitVR, !vr.hasLongExplicitLength, length > 0xFFFF {
                // Too long for a 16-bit length: UN has a 32-bit one (DCMTK does the same).
                vr = .UN
            }
            guard length <= 0xFFFF_FFFE else { throw .valueTooLong(tag: element.tag, length: length) }
            writeHeader(tag: element.tag, vr: vr, length: UInt32(length), into: &output)
            if !isLittleEndian, let width = element.vr.swapWidth, width > 1 {
                // An odd-length number (invalid, but read) is padded before it is swapped, so
                // that the reader's swap gives back the value and then the padding.
                var value = value
                if padded { value.writeInteger(element.vr.paddingByte) }
                output.writeImmutableBuffer(ByteSwapping.swapped(value, width: width))
            } else {
                output.writeImmutableBuffer(value)
                if padded { output.writeInteger(element.vr.paddingByte) }
            }
        case .sequence(let items):
            writeHeader(tag: element.tag, vr: .SQ, length: 0xFFFF_FFFF, into: &output)
            for item in items {
                writeDelimiter(.item, length: 0xFFFF_FFFF, into: &output)
                try encode(item, into: &output)
                writeDelimiter(.itemDelimitationItem, length: 0, into: &output)
            }
            writeDelimiter(.sequenceDelimitationItem, length: 0, into: &output)
        case .encapsulated(let pixelData):
            // PS3.5 A.4: encapsulated pixel data is OB (DCMTK warns about OW). Other fragments
            // (undefined-length OB or OW read from a file) keep their VR.
            let vr: VR = element.tag == .pixelData || !element.vr.hasLongExplicitLength ? .OB : element.vr
            writeHeader(tag: element.tag, vr: vr, length: 0xFFFF_FFFF, into: &output)
            writeFragment(pixelData.basicOffsetTable, into: &output)
            for fragment in pixelData.fragments { writeFragment(fragment, into: &output) }
            writeDelimiter(.sequenceDelimitationItem, length: 0, into: &output)
        }
    }

    private func writeFragment(_ fragment: ByteBuffer, into output: inout ByteBuffer) {
        let padded = fragment.readableBytes % 2 == 1
        writeDelimiter(.item, length: UInt32(fragment.readableBytes + (padded ? 1 : 0)), into: &output)
        output.writeImmutableBuffer(fragment)
        if padded { output.writeInteger(UInt8(0)) }
    }

    private func writeHeader(tag: Tag, vr: VR, length: UInt32, into output: inout ByteBuffer) {
        output.writeInteger(tag.group, endianness: endianness)
        output.writeInteger(tag.element, endianness: endianness)
        if isExplicitVR {
            let (first, second) = vr.bytes
            output.writeInteger(first)
            output.writeInteger(second)
            if vr.hasLongExplicitLength {
                output.writeInteger(UInt16(0))
                output.writeInteger(length, endianness: endianness)
            } else {
                output.writeInteger(UInt16(truncatingIfNeeded: length), endianness: endianness)
            }
        } else {
            output.writeInteger(length, endianness: endianness)
        }
    }

    private func writeDelimiter(_ tag: Tag, length: UInt32, into output: inout ByteBuffer) {
        output.writeInteger(tag.group, endianness: endianness)
        output.writeInteger(tag.element, endianness: endianness)
        output.writeInteger(length, endianness: endianness)
    }
}

extension DataSetEncoder {
    /// A data set in the deflated transfer syntax, padded to even length with a trailing zero
    /// byte as DICOM lengths are even (DCMTK does the same, and its SCP aborts an association
    /// whose data set is of odd length). Inflating stops at the end of the deflate stream, so
    /// the pad byte changes nothing for a reader.
    static func deflatedDataSet(_ encoded: ByteBuffer) -> ByteBuffer? {
        guard var deflated = Deflate.deflate(encoded) else { return nil }
        if deflated.readableBytes % 2 == 1 { deflated.writeInteger(UInt8(0)) }
        return deflated
    }
}
