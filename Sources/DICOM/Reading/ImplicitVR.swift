import NIOCore

/// The VR of an element whose encoding doesn't carry one: Implicit VR Little Endian, and UN
/// values reinterpreted with the VR the dictionary knows (PS3.5 §6.2.2, §7.1.3).
enum ImplicitVR {
    static func resolve(tag: Tag, length: UInt32, in dataSet: DataSet) -> VR {
        if tag.isGroupLength { return .UL }
        if tag.isPrivateCreator { return .LO }
        return knownVR(for: tag, in: dataSet) ?? .UN
    }

    /// The dictionary's VR for a public tag, or the private dictionary's for a private tag
    /// whose creator is present; nil when neither knows it.
    static func knownVR(for tag: Tag, in dataSet: DataSet) -> VR? {
        let entry: DictionaryEntry?
        if tag.isPrivate {
            if tag.isPrivateCreator { return .LO }
            guard let creator = dataSet.privateCreator(of: tag) else { return nil }
            entry = DataDictionary.privateEntry(creator: creator, tag: tag)
        } else {
            entry = DataDictionary.entry(for: tag)
        }
        guard let entry, !entry.vrs.isEmpty else { return nil }
        return disambiguate(entry.vrs, tag: tag, in: dataSet)
    }

    /// Chooses among the VRs the dictionary allows ("US or SS", "OB or OW", …) from what
    /// the data set says, as PS3.5 Annex A and pydicom do for implicit VR data.
    static func disambiguate(_ vrs: [VR], tag: Tag, in dataSet: DataSet) -> VR {
        guard vrs.count > 1, let first = vrs.first else { return vrs.first ?? .UN }
        if vrs.contains(.OW) { return .OW }  // OB or OW, US or OW, US or SS or OW: OW in implicit VR
        if vrs.contains(.US), vrs.contains(.SS) {
            return dataSet.int(.pixelRepresentation) == 1 ? .SS : .US
        }
        return first
    }
}

/// Byte order conversion for the numeric values of Explicit VR Big Endian data.
enum ByteSwapping {
    static func swapped(_ value: ByteBuffer, width: Int) -> ByteBuffer {
        var result = ByteBuffer()
        let count = value.readableBytes
        result.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { target in
            value.withUnsafeReadableBytes { source in
                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                let whole = count - count % width
                switch width {
                case 2:
                    for index in stride(from: 0, to: whole, by: 2) {
                        let word = from.loadUnaligned(fromByteOffset: index, as: UInt16.self)
                        to.storeBytes(of: word.byteSwapped, toByteOffset: index, as: UInt16.self)
                    }
                case 4:
                    for index in stride(from: 0, to: whole, by: 4) {
                        let word = from.loadUnaligned(fromByteOffset: index, as: UInt32.self)
                        to.storeBytes(of: word.byteSwapped, toByteOffset: index, as: UInt32.self)
                    }
                case 8:
                    for index in stride(from: 0, to: whole, by: 8) {
                        let word = from.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        to.storeBytes(of: word.byteSwapped, toByteOffset: index, as: UInt64.self)
                    }
                default:
                    to.copyMemory(from: from, byteCount: whole)
                }
                // A stray byte after the last whole value is kept as it is.
                if whole < count { (to + whole).copyMemory(from: from + whole, byteCount: count - whole) }
            }
            return count
        }
        return result
    }
}
