import NIOCore

/// Reads data elements out of a buffer in one transfer syntax's encoding (PS3.5 §7).
///
/// Values are slices of the input buffer (no copy) except in big endian input, where
/// numeric values are byte-swapped into new little endian buffers. Every length is checked
/// against what encloses it before it is used.
struct DataSetParser {
    private(set) var buffer: ByteBuffer
    let options: ReadOptions
    let isLittleEndian: Bool

    init(buffer: ByteBuffer, isLittleEndian: Bool, options: ReadOptions) {
        self.buffer = buffer
        self.isLittleEndian = isLittleEndian
        self.options = options
    }

    /// What an item takes from the data sets around it: the character set (PS3.5 §7.5.3), and
    /// the pixel representation that makes "US or SS" elements US or SS, taken like pydicom
    /// from the nearest enclosing data set that has one.
    struct Inherited {
        var characterSet: SpecificCharacterSet?
        var pixelRepresentation: Int?
    }

    var offset: Int { buffer.readerIndex }
    var end: Int { buffer.writerIndex }

    /// Where a data set ends: at an absolute index, at an item delimitation item, or
    /// when the group changes (for the file meta information).
    enum Boundary {
        case index(Int)
        case itemDelimiter(limit: Int)
        case groupOtherThan(UInt16)
    }

    // MARK: Data sets

    /// Reads elements until the boundary; for `.itemDelimiter`, consumes the delimiter.
    mutating func readDataSet(
        until boundary: Boundary, explicitVR assumedExplicit: Bool, depth: Int,
        inherited characterSet: SpecificCharacterSet?
    ) throws(DICOMReadError) -> DataSet {
        try readDataSet(
            until: boundary, explicitVR: assumedExplicit, depth: depth,
            enclosing: Inherited(characterSet: characterSet))
    }

    private mutating func readDataSet(
        until boundary: Boundary, explicitVR assumedExplicit: Bool, depth: Int, enclosing inherited: Inherited
    ) throws(DICOMReadError) -> DataSet {
        guard depth <= options.maximumDepth else {
            throw .nestingTooDeep(offset: offset, limit: options.maximumDepth)
        }
        var dataSet = DataSet(inheritedCharacterSet: inherited.characterSet)
        dataSet.reserveCapacity(depth == 0 ? 64 : 8)
        // What this data set's elements and items inherit, rebuilt only when it changes.
        var current = inherited
        current.characterSet = inherited.characterSet ?? .default
        var characterSetKnown = false
        let limit: Int
        switch boundary {
        case .index(let index): limit = index
        case .itemDelimiter(let index): limit = index
        case .groupOtherThan: limit = end
        }
        let explicitVR = detectExplicitVR(assumed: assumedExplicit, limit: limit, inItem: depth > 0)
        // Elements that come after a greater tag: inserting each one in place would make a
        // data set in descending order quadratic to read, so they are sorted in once at the end.
        var outOfOrder: [DataElement] = []
        var delimited = false
        while offset < limit {
            let headerStart = offset
            if limit - headerStart < 4, depth == 0 {
                // A few stray bytes after the last element: tolerated, as other readers do.
                buffer.moveReaderIndex(to: limit)
                break
            }
            let tag = try peekTag(limit: limit)
            if case .groupOtherThan(let group) = boundary, tag.group != group { break }
            if options.stopBeforePixelData, depth == 0, tag >= .pixelData { break }
            if tag == .itemDelimitationItem {
                try skip(8, limit: limit)
                if case .itemDelimiter = boundary {
                    delimited = true
                    break
                }
                // A stray delimiter in a defined-length item: skip it, as DCMTK does.
                continue
            }
            if tag == .sequenceDelimitationItem, depth == 0 {
                // Some writers leave a sequence delimiter at the top level; it ends nothing.
                try skip(8, limit: limit)
                continue
            }
            if tag.group == 0xFFFE {
                throw .unexpectedTag(tag: tag, offset: headerStart, context: "where a data element belongs")
            }
            if !characterSetKnown, tag > .specificCharacterSet {
                // Everything after (0008,0005) is decoded with it: work it out once.
                current.characterSet = dataSet.characterSet
                characterSetKnown = true
            }
            let element = try readElement(
                limit: limit, explicitVR: explicitVR, depth: depth, in: dataSet, inherited: current)
            if element.tag == .pixelRepresentation, let value = DataSet([element]).int(.pixelRepresentation) {
                current.pixelRepresentation = value
            }
            if let lastTag = dataSet.lastTag, element.tag <= lastTag {
                outOfOrder.append(element)
            } else {
                dataSet.insert(element)
            }
        }
        if case .itemDelimiter = boundary, depth > 0, !delimited {
            throw .truncated(offset: offset, needed: 8, available: 0)
        }
        return outOfOrder.isEmpty ? dataSet : Self.merging(outOfOrder, into: dataSet)
    }

    /// The data set with the out-of-order elements sorted in; of two elements with one tag,
    /// the later in the input wins, as in pydicom and DCMTK.
    private static func merging(_ outOfOrder: [DataElement], into dataSet: DataSet) -> DataSet {
        // Input order: the data set's elements all came before any out-of-order one with their tag.
        let inputOrder = Array(dataSet.elements) + outOfOrder
        let sorted = inputOrder.indices.sorted {
            (inputOrder[$0].tag, $0) < (inputOrder[$1].tag, $1)
        }
        var elements: [DataElement] = []
        elements.reserveCapacity(sorted.count)
        for index in sorted {
            if let last = elements.last, last.tag == inputOrder[index].tag {
                elements[elements.count - 1] = inputOrder[index]
            } else {
                elements.append(inputOrder[index])
            }
        }
        return DataSet(elements, inheritedCharacterSet: dataSet.inheritedCharacterSet)
    }

    /// Explicit VR data whose transfer syntax says implicit, or the other way round, is found
    /// in the wild; like pydicom and DCMTK, trust the bytes of the first element. Items of
    /// implicit VR data stay implicit (pydicom's `_is_implicit_vr`): there the bytes that look
    /// like a VR are the low half of a length.
    private func detectExplicitVR(assumed: Bool, limit: Int, inItem: Bool) -> Bool {
        if inItem, !assumed { return false }
        guard limit - offset >= 6,
            let group = buffer.getInteger(at: offset, endianness: endianness, as: UInt16.self),
            group != 0xFFFE,
            let first = buffer.getInteger(at: offset + 4, as: UInt8.self),
            let second = buffer.getInteger(at: offset + 5, as: UInt8.self)
        else { return assumed }
        let looksExplicit = VR(byte0: first, byte1: second) != nil
        return looksExplicit
    }

    var endianness: Endianness { isLittleEndian ? .little : .big }

    // MARK: Elements

    private mutating func readElement(
        limit: Int, explicitVR: Bool, depth: Int, in dataSet: DataSet, inherited: Inherited
    ) throws(DICOMReadError) -> DataElement {
        let headerStart = offset
        var vr: VR
        let length: UInt32
        let tag: Tag
        if let header = fastHeader(limit: limit, explicitVR: explicitVR) {
            tag = header.tag
            length = header.length
            if let explicit = header.vr {
                vr = explicit
            } else {
                vr = ImplicitVR.resolve(
                    tag: tag, length: length, in: dataSet, pixelRepresentation: inherited.pixelRepresentation)
            }
        } else {
            tag = try readTag(limit: limit)
            (vr, length) = try readVRAndLength(
                tag: tag, headerStart: headerStart, limit: limit, explicitVR: explicitVR, in: dataSet,
                inherited: inherited)
        }
        return try readValue(
            tag: tag, vr: vr, length: length, headerStart: headerStart, limit: limit, explicitVR: explicitVR,
            depth: depth, in: dataSet, inherited: inherited)
    }

    /// The element header in one look at the buffer, for the common case of a whole header
    /// within the limit and a valid VR; nil sends the caller to the checked, byte-wise path,
    /// which says exactly what is wrong. Every element goes through here, so it reads two
    /// words instead of six bounds-checked integers.
    private mutating func fastHeader(limit: Int, explicitVR: Bool) -> (tag: Tag, vr: VR?, length: UInt32)? {
        let available = limit - offset
        guard available >= 12 else { return nil }
        let words: (UInt32, UInt32, UInt32) = buffer.withUnsafeReadableBytes { raw in
            guard raw.count >= 12 else { return (0, 0, 0) }
            return (
                UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self)),
                UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
                UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            )
        }
        let little = isLittleEndian
        func half(_ value: UInt32) -> UInt16 {
            little ? UInt16(truncatingIfNeeded: value) : UInt16(truncatingIfNeeded: value).byteSwapped
        }
        let tag = Tag(half(words.0), half(words.0 >> 16))
        guard explicitVR else {
            buffer.moveReaderIndex(forwardBy: 8)
            return (tag, nil, little ? words.1 : words.1.byteSwapped)
        }
        guard
            let vr = VR(
                byte0: UInt8(truncatingIfNeeded: words.1), byte1: UInt8(truncatingIfNeeded: words.1 >> 8))
        else { return nil }
        if vr.hasLongExplicitLength {
            buffer.moveReaderIndex(forwardBy: 12)
            return (tag, vr, little ? words.2 : words.2.byteSwapped)
        }
        buffer.moveReaderIndex(forwardBy: 8)
        return (tag, vr, UInt32(half(words.1 >> 16)))
    }

    private mutating func readVRAndLength(
        tag: Tag, headerStart: Int, limit: Int, explicitVR: Bool, in dataSet: DataSet, inherited: Inherited
    ) throws(DICOMReadError) -> (VR, UInt32) {
        var vr: VR
        let length: UInt32
        if explicitVR {
            let first = try readUInt8(limit: limit)
            let second = try readUInt8(limit: limit)
            guard let explicit = VR(byte0: first, byte1: second) else {
                throw .invalidVR(tag: tag, offset: headerStart + 4, bytes: UInt16(first) << 8 | UInt16(second))
            }
            vr = explicit
            if vr.hasLongExplicitLength {
                try skip(2, limit: limit)
                length = try readUInt32(limit: limit)
            } else {
                length = UInt32(try readUInt16(limit: limit))
            }
        } else {
            length = try readUInt32(limit: limit)
            vr = ImplicitVR.resolve(
                tag: tag, length: length, in: dataSet, pixelRepresentation: inherited.pixelRepresentation)
        }
        return (vr, length)
    }

    private mutating func readValue(
        tag: Tag, vr initialVR: VR, length: UInt32, headerStart: Int, limit: Int, explicitVR: Bool, depth: Int,
        in dataSet: DataSet, inherited: Inherited
    ) throws(DICOMReadError) -> DataElement {
        var vr = initialVR
        if length == 0xFFFF_FFFF {
            return try readUndefinedLength(
                tag: tag, vr: vr, headerStart: headerStart, limit: limit, explicitVR: explicitVR, depth: depth,
                inherited: inherited)
        }
        let valueStart = offset
        guard Int(length) <= limit - valueStart else {
            if valueStart + Int(length) > end {
                throw .truncated(offset: valueStart, needed: Int(length), available: end - valueStart)
            }
            throw .invalidLength(tag: tag, offset: headerStart, length: length)
        }
        let valueEnd = valueStart + Int(length)
        if vr == .SQ {
            let items = try readItems(
                until: valueEnd, explicitVR: explicitVR, depth: depth + 1, inherited: inherited)
            return DataElement(tag: tag, vr: .SQ, value: .sequence(items))
        }
        var reinterpreted = false
        if vr == .UN, options.reinterpretUN,
            let known = ImplicitVR.knownVR(for: tag, in: dataSet, pixelRepresentation: inherited.pixelRepresentation),
            known != .UN
        {
            if known == .SQ {
                // PS3.5 §6.2.2: a UN value is encoded in Implicit VR Little Endian; in explicit
                // VR data each item is checked, as pydicom does.
                var nested = DataSetParser(
                    buffer: buffer.getSlice(at: valueStart, length: Int(length)) ?? ByteBuffer(),
                    isLittleEndian: true, options: options)
                if let items = try? nested.readItems(
                    until: nested.end, explicitVR: explicitVR, depth: depth + 1, inherited: inherited)
                {
                    buffer.moveReaderIndex(to: valueEnd)
                    return DataElement(tag: tag, vr: .SQ, value: .sequence(items))
                }
            } else if known.binaryWidth == nil || Int(length) % (known.binaryWidth ?? 1) == 0 {
                vr = known
                // PS3.5 §6.2.2 note 2: a UN value is little endian whatever the transfer syntax.
                reinterpreted = true
            }
        }
        guard let value = buffer.readSlice(length: Int(length)) else {
            throw .truncated(offset: valueStart, needed: Int(length), available: end - valueStart)
        }
        if !isLittleEndian, !reinterpreted, let width = vr.swapWidth, width > 1 {
            return DataElement(tag: tag, vr: vr, bytes: ByteSwapping.swapped(value, width: width))
        }
        return DataElement(tag: tag, vr: vr, bytes: value)
    }

    private mutating func readUndefinedLength(
        tag: Tag, vr: VR, headerStart: Int, limit: Int, explicitVR: Bool, depth: Int,
        inherited: Inherited
    ) throws(DICOMReadError) -> DataElement {
        if tag == .pixelData, vr != .SQ {
            // PS3.5 A.4: encapsulated pixel data is OB, whatever VR (OW, UN) the file gave it.
            return DataElement(tag: tag, vr: .OB, value: .encapsulated(try readFragments(limit: limit)))
        }
        switch vr {
        case .SQ:
            let items = try readItems(
                untilDelimiterBefore: limit, explicitVR: explicitVR, depth: depth + 1, inherited: inherited)
            return DataElement(tag: tag, vr: .SQ, value: .sequence(items))
        case .UN:
            // PS3.5 §6.2.2: UN of undefined length is a sequence in Implicit VR Little Endian.
            // In explicit VR data each item is checked, as pydicom does: some writers keep the
            // explicit VR of the items they could not name.
            let items = try readItems(
                untilDelimiterBefore: limit, explicitVR: explicitVR, depth: depth + 1, inherited: inherited)
            return DataElement(tag: tag, vr: .SQ, value: .sequence(items))
        case .OB, .OD, .OF, .OL, .OV, .OW:
            // Bytes of undefined length other than pixel data: items of bytes up to a sequence
            // delimiter, as pydicom reads them; kept as fragments.
            guard limit - offset >= 4, (try? peekTag(limit: limit)) == .item else {
                throw .invalidLength(tag: tag, offset: headerStart, length: 0xFFFF_FFFF)
            }
            return DataElement(tag: tag, vr: vr, value: .encapsulated(try readFragments(limit: limit)))
        default:
            // Anything else of undefined length that is made of items is read as a sequence.
            if limit - offset >= 4, (try? peekTag(limit: limit)) == .item {
                let items = try readItems(
                    untilDelimiterBefore: limit, explicitVR: explicitVR, depth: depth + 1, inherited: inherited)
                return DataElement(tag: tag, vr: .SQ, value: .sequence(items))
            }
            throw .invalidLength(tag: tag, offset: headerStart, length: 0xFFFF_FFFF)
        }
    }

    // MARK: Sequences and items

    /// Items of a defined-length sequence.
    mutating func readItems(
        until sequenceEnd: Int, explicitVR: Bool, depth: Int, inherited: Inherited
    ) throws(DICOMReadError) -> [DataSet] {
        var items: [DataSet] = []
        while offset < sequenceEnd {
            let tagOffset = offset
            let tag = try readTag(limit: sequenceEnd)
            let length = try readUInt32(limit: sequenceEnd)
            if tag == .sequenceDelimitationItem { continue }
            guard tag == .item else {
                throw .unexpectedTag(tag: tag, offset: tagOffset, context: "in a sequence, where an item belongs")
            }
            items.append(
                try readItemBody(
                    length: length, tagOffset: tagOffset, limit: sequenceEnd, explicitVR: explicitVR, depth: depth,
                    inherited: inherited, endsWithSequence: true))
        }
        return items
    }

    /// Items of an undefined-length sequence, up to and including its delimiter.
    mutating func readItems(
        untilDelimiterBefore limit: Int, explicitVR: Bool, depth: Int, inherited: Inherited
    ) throws(DICOMReadError) -> [DataSet] {
        var items: [DataSet] = []
        while true {
            let tagOffset = offset
            let tag = try readTag(limit: limit)
            let length = try readUInt32(limit: limit)
            if tag == .sequenceDelimitationItem { return items }
            guard tag == .item else {
                throw .unexpectedTag(tag: tag, offset: tagOffset, context: "in a sequence, where an item belongs")
            }
            items.append(
                try readItemBody(
                    length: length, tagOffset: tagOffset, limit: limit, explicitVR: explicitVR, depth: depth,
                    inherited: inherited))
        }
    }

    /// An item's elements. `endsWithSequence`: the enclosing sequence has a defined length, and
    /// an item length that runs past it is taken to end with the sequence, as pydicom and DCMTK
    /// read it (writers that drop elements from a record without fixing its item length).
    private mutating func readItemBody(
        length: UInt32, tagOffset: Int, limit: Int, explicitVR: Bool, depth: Int, inherited: Inherited,
        endsWithSequence: Bool = false
    ) throws(DICOMReadError) -> DataSet {
        if length == 0xFFFF_FFFF {
            return try readDataSet(
                until: .itemDelimiter(limit: limit), explicitVR: explicitVR, depth: depth, enclosing: inherited)
        }
        if endsWithSequence, Int(length) > limit - offset {
            return try readDataSet(until: .index(limit), explicitVR: explicitVR, depth: depth, enclosing: inherited)
        }
        guard Int(length) <= limit - offset else {
            if offset + Int(length) > end {
                throw .truncated(offset: offset, needed: Int(length), available: end - offset)
            }
            throw .invalidLength(tag: .item, offset: tagOffset, length: length)
        }
        return try readDataSet(
            until: .index(offset + Int(length)), explicitVR: explicitVR, depth: depth, enclosing: inherited)
    }

    /// Encapsulated pixel data (PS3.5 A.4): the basic offset table item, then one item per
    /// fragment, then the sequence delimiter. Fragments stay slices of the input.
    private mutating func readFragments(limit: Int) throws(DICOMReadError) -> EncapsulatedPixelData {
        var offsetTable: ByteBuffer?
        var fragments: [ByteBuffer] = []
        while true {
            let tagOffset = offset
            let tag = try readTag(limit: limit)
            let length = try readUInt32(limit: limit)
            if tag == .sequenceDelimitationItem { break }
            guard tag == .item else {
                throw .unexpectedTag(tag: tag, offset: tagOffset, context: "in encapsulated pixel data")
            }
            guard length != 0xFFFF_FFFF, Int(length) <= limit - offset else {
                if length != 0xFFFF_FFFF, offset + Int(length) > end {
                    throw .truncated(offset: offset, needed: Int(length), available: end - offset)
                }
                throw .invalidLength(tag: .item, offset: tagOffset, length: length)
            }
            guard let fragment = buffer.readSlice(length: Int(length)) else {
                throw .truncated(offset: offset, needed: Int(length), available: end - offset)
            }
            if offsetTable == nil { offsetTable = fragment } else { fragments.append(fragment) }
        }
        return EncapsulatedPixelData(basicOffsetTable: offsetTable ?? ByteBuffer(), fragments: fragments)
    }

    // MARK: Primitive reads, bounded by the enclosing limit

    private func peekTag(limit: Int) throws(DICOMReadError) -> Tag {
        guard limit - offset >= 4,
            let group = buffer.getInteger(at: offset, endianness: endianness, as: UInt16.self),
            let element = buffer.getInteger(at: offset + 2, endianness: endianness, as: UInt16.self)
        else { throw .truncated(offset: offset, needed: 4, available: max(0, min(limit, end) - offset)) }
        return Tag(group, element)
    }

    private mutating func readTag(limit: Int) throws(DICOMReadError) -> Tag {
        let tag = try peekTag(limit: limit)
        buffer.moveReaderIndex(forwardBy: 4)
        return tag
    }

    private mutating func readUInt8(limit: Int) throws(DICOMReadError) -> UInt8 {
        guard limit - offset >= 1, let value = buffer.readInteger(as: UInt8.self) else {
            throw .truncated(offset: offset, needed: 1, available: 0)
        }
        return value
    }

    private mutating func readUInt16(limit: Int) throws(DICOMReadError) -> UInt16 {
        guard limit - offset >= 2, let value = buffer.readInteger(endianness: endianness, as: UInt16.self) else {
            throw .truncated(offset: offset, needed: 2, available: max(0, min(limit, end) - offset))
        }
        return value
    }

    private mutating func readUInt32(limit: Int) throws(DICOMReadError) -> UInt32 {
        guard limit - offset >= 4, let value = buffer.readInteger(endianness: endianness, as: UInt32.self) else {
            throw .truncated(offset: offset, needed: 4, available: max(0, min(limit, end) - offset))
        }
        return value
    }

    private mutating func skip(_ count: Int, limit: Int) throws(DICOMReadError) {
        guard limit - offset >= count else {
            throw .truncated(offset: offset, needed: count, available: max(0, min(limit, end) - offset))
        }
        buffer.moveReaderIndex(forwardBy: count)
    }
}
