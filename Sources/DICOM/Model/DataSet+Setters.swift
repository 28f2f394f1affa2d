public import NIOCore

/// Writes of typed values, encoded as the standard says (padding to even length, backslash
/// between values, little endian numbers).
extension DataSet {
    /// Sets a string element. The VR defaults to the dictionary's; text VRs are encoded in
    /// this data set's character set, falling back to UTF-8 when it cannot represent the text
    /// — the caller should then set Specific Character Set to ISO_IR 192.
    public mutating func set(_ tag: Tag, vr explicitVR: VR? = nil, strings values: [String]) {
        let vr = explicitVR ?? DataDictionary.entry(for: tag)?.vr ?? .UN
        let text = values.joined(separator: "\\")
        var bytes: [UInt8]
        if vr.usesSpecificCharacterSet {
            bytes = characterSet.encode(text, vr: vr) ?? Array(text.utf8)
        } else {
            bytes = Array(text.utf8)
        }
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        insert(DataElement(tag: tag, vr: vr, bytes: ByteBuffer(bytes: bytes)))
    }

    public mutating func set(_ tag: Tag, vr: VR? = nil, string value: String) {
        set(tag, vr: vr, strings: [value])
    }

    /// Sets a binary integer element (US, SS, UL, SL, SV, UV, OW, OL, OV), little endian.
    public mutating func set(_ tag: Tag, vr explicitVR: VR? = nil, integers values: [Int]) {
        let vr = explicitVR ?? DataDictionary.entry(for: tag)?.vr ?? .UL
        var buffer = ByteBuffer()
        for value in values {
            switch vr {
            case .US, .OW: buffer.writeInteger(UInt16(truncatingIfNeeded: value), endianness: .little)
            case .SS: buffer.writeInteger(Int16(truncatingIfNeeded: value), endianness: .little)
            case .SL: buffer.writeInteger(Int32(truncatingIfNeeded: value), endianness: .little)
            case .SV: buffer.writeInteger(Int64(value), endianness: .little)
            case .UV, .OV: buffer.writeInteger(UInt64(truncatingIfNeeded: value), endianness: .little)
            default: buffer.writeInteger(UInt32(truncatingIfNeeded: value), endianness: .little)
            }
        }
        insert(DataElement(tag: tag, vr: vr, bytes: buffer))
    }

    /// Sets a floating point element: FL/OF as 32-bit, FD/OD as 64-bit, DS as text.
    public mutating func set(_ tag: Tag, vr explicitVR: VR? = nil, doubles values: [Double]) {
        let vr = explicitVR ?? DataDictionary.entry(for: tag)?.vr ?? .FD
        if vr == .DS {
            set(tag, vr: .DS, strings: values.map(DecimalString.format))
            return
        }
        var buffer = ByteBuffer()
        for value in values {
            if vr == .FL || vr == .OF {
                buffer.writeInteger(Float(value).bitPattern, endianness: .little)
            } else {
                buffer.writeInteger(value.bitPattern, endianness: .little)
            }
        }
        insert(DataElement(tag: tag, vr: vr, bytes: buffer))
    }

    /// Sets an AT element.
    public mutating func set(_ tag: Tag, attributeTags values: [Tag]) {
        var buffer = ByteBuffer()
        for value in values {
            buffer.writeInteger(value.group, endianness: .little)
            buffer.writeInteger(value.element, endianness: .little)
        }
        insert(DataElement(tag: tag, vr: .AT, bytes: buffer))
    }

    /// Sets a sequence element.
    public mutating func set(_ tag: Tag, items: [DataSet]) {
        insert(DataElement(tag: tag, vr: .SQ, value: .sequence(items)))
    }

    /// Sets raw bytes; an odd length is padded with the VR's padding byte.
    public mutating func set(_ tag: Tag, vr: VR, bytes: ByteBuffer) {
        var value = bytes
        if value.readableBytes % 2 == 1 {
            value.writeInteger(vr.paddingByte)
        }
        insert(DataElement(tag: tag, vr: vr, bytes: value))
    }
}
