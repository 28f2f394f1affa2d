public import NIOCore

/// Typed reads of element values. None of them traps: a missing element, a value of the
/// wrong VR or a malformed value gives nil (or an empty array).
extension DataSet {
    /// The character set that text values of this data set are decoded with.
    public var characterSet: SpecificCharacterSet {
        if let element = self[.specificCharacterSet], let bytes = element.bytes {
            let text = String(decoding: bytes.readableBytesView, as: UTF8.self)
            if let known = SpecificCharacterSet.common[text] { return known }
            let terms = text.split(separator: "\\", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: " \0") }
            return SpecificCharacterSet(terms: terms)
        }
        return inheritedCharacterSet ?? .default
    }

    /// All values of a string element, decoded and with padding removed. Numeric binary
    /// elements give their numbers as text; AT values give `(gggg,eeee)`.
    public func strings(_ tag: Tag) -> [String] {
        guard let element = self[tag] else { return [] }
        // Working out the character set costs more than most values: only when it matters.
        return element.strings(characterSet: element.vr.usesSpecificCharacterSet ? characterSet : .default)
    }

    /// All values of a string element with a character set worked out once by a caller that
    /// reads many (`characterSet` costs a lookup and a String each time it is asked).
    public func strings(_ tag: Tag, characterSet: SpecificCharacterSet) -> [String] {
        self[tag]?.strings(characterSet: characterSet) ?? []
    }

    /// The first value of a string element.
    public func string(_ tag: Tag) -> String? {
        strings(tag).first
    }

    /// Integers from US, SS, UL, SL, SV, UV or IS values.
    public func ints(_ tag: Tag) -> [Int] {
        guard let element = self[tag] else { return [] }
        if element.vr == .IS { return strings(tag).compactMap(IntegerString.parse) }
        return element.binaryIntegers()
    }

    public func int(_ tag: Tag) -> Int? { ints(tag).first }

    /// Numbers from FL, FD, OF, OD, DS values, or from any integer VR.
    public func doubles(_ tag: Tag) -> [Double] {
        guard let element = self[tag] else { return [] }
        switch element.vr {
        case .DS: return strings(tag).compactMap(DecimalString.parse)
        case .FL, .OF: return element.binaryFloats().map(Double.init)
        case .FD, .OD: return element.binaryDoubles()
        default: return ints(tag).map(Double.init)
        }
    }

    public func double(_ tag: Tag) -> Double? { doubles(tag).first }

    public func date(_ tag: Tag) -> DicomDate? { string(tag).flatMap { DicomDate($0) } }
    public func time(_ tag: Tag) -> DicomTime? { string(tag).flatMap { DicomTime($0) } }
    public func dateTime(_ tag: Tag) -> DicomDateTime? { string(tag).flatMap { DicomDateTime($0) } }
    public func age(_ tag: Tag) -> AgeString? { string(tag).flatMap { AgeString($0) } }
    public func uid(_ tag: Tag) -> UID? { string(tag).flatMap { UID($0) } }
    public func uids(_ tag: Tag) -> [UID] { strings(tag).compactMap { UID($0) } }

    public func personNames(_ tag: Tag) -> [PersonName] {
        guard self[tag]?.vr == .PN else { return [] }
        return strings(tag).map(PersonName.init)
    }

    public func personName(_ tag: Tag) -> PersonName? { personNames(tag).first }

    /// Attribute tags from an AT value.
    public func attributeTags(_ tag: Tag) -> [Tag] {
        guard let element = self[tag], element.vr == .AT, var bytes = element.bytes else { return [] }
        var tags: [Tag] = []
        while let group = bytes.readInteger(endianness: .little, as: UInt16.self),
            let number = bytes.readInteger(endianness: .little, as: UInt16.self)
        {
            tags.append(Tag(group, number))
        }
        return tags
    }

    /// The items of a sequence.
    public func sequence(_ tag: Tag) -> [DataSet]? { self[tag]?.items }

    /// The raw bytes of a primitive value.
    public func bytes(_ tag: Tag) -> ByteBuffer? { self[tag]?.bytes }

    /// The private creator that reserves the block of a private tag, if present.
    public func privateCreator(of tag: Tag) -> String? {
        // Creators are matched against the private dictionary, which is ASCII: the default
        // repertoire reads them, and the parser can ask for every private element cheaply.
        guard let creatorTag = tag.privateCreatorTag, let element = self[creatorTag] else { return nil }
        return element.strings(characterSet: .default).first
    }
}

extension DataElement {
    /// Values as text, with the data set's character set for the VRs it applies to.
    public func strings(characterSet: SpecificCharacterSet) -> [String] {
        guard let bytes else { return [] }
        if vr.isString {
            let ascii = bytes.withUnsafeReadableBytes { raw in
                Self.asciiValueRanges(raw, vr: vr, characterSet: characterSet).map { ranges in
                    ranges.map { String(decoding: UnsafeRawBufferPointer(rebasing: raw[$0]), as: UTF8.self) }
                }
            }
            return ascii ?? decodedStrings(bytes, characterSet: characterSet)
        }
        switch vr {
        case .FL, .OF: return binaryFloats().map { String(describing: $0) }
        case .FD, .OD: return binaryDoubles().map { String(describing: $0) }
        case .AT:
            var reader = bytes
            var tags: [String] = []
            while let group = reader.readInteger(endianness: .little, as: UInt16.self),
                let element = reader.readInteger(endianness: .little, as: UInt16.self)
            {
                tags.append(Tag(group, element).description)
            }
            return tags
        default:
            guard vr.binaryWidth != nil else { return [] }
            return binaryIntegers().map { String($0) }
        }
    }

    /// The values of a string VR through the character set: the whole value decoded, split at
    /// backslashes (which multi-byte characters may contain as a byte), each part trimmed.
    func decodedStrings(_ bytes: ByteBuffer, characterSet: SpecificCharacterSet) -> [String] {
        let view = bytes.readableBytesView
        let text: String
        if vr.usesSpecificCharacterSet {
            text = characterSet.decode(view, vr: vr)
        } else {
            text = String(decoding: view, as: UTF8.self)
        }
        if text.isEmpty { return [] }
        let values =
            vr.isSingleValuedText
            ? [Substring(text)] : text.split(separator: "\\", omittingEmptySubsequences: false)
        return values.map { DataElement.trimmed($0, vr: vr) }
    }

    /// Padding removal of PS3.5 §6.2: trailing spaces everywhere, leading spaces where
    /// they are insignificant, trailing NUL for UI (and from writers that pad wrongly).
    static func trimmed(_ value: Substring, vr: VR) -> String {
        if vr.keepsLeadingSpaces {
            var end = value.endIndex
            while end > value.startIndex, " \0".contains(value[value.index(before: end)]) {
                end = value.index(before: end)
            }
            return String(value[..<end])
        }
        return value.trimmingCharacters(in: " \0")
    }

    /// Integers of a binary integer VR; AT and float VRs give nothing.
    public func binaryIntegers() -> [Int] {
        guard var bytes, let width = vr.binaryWidth else { return [] }
        var values: [Int] = []
        values.reserveCapacity(bytes.readableBytes / width)
        switch vr {
        case .US, .OW:
            while let v = bytes.readInteger(endianness: .little, as: UInt16.self) { values.append(Int(v)) }
        case .SS:
            while let v = bytes.readInteger(endianness: .little, as: Int16.self) { values.append(Int(v)) }
        case .UL, .OL:
            while let v = bytes.readInteger(endianness: .little, as: UInt32.self) { values.append(Int(v)) }
        case .SL:
            while let v = bytes.readInteger(endianness: .little, as: Int32.self) { values.append(Int(v)) }
        case .SV:
            while let v = bytes.readInteger(endianness: .little, as: Int64.self) { values.append(Int(v)) }
        case .UV, .OV:
            while let v = bytes.readInteger(endianness: .little, as: UInt64.self) {
                values.append(Int(truncatingIfNeeded: v))
            }
        default:
            return []
        }
        return values
    }

    public func binaryFloats() -> [Float] {
        guard var bytes, vr == .FL || vr == .OF else { return [] }
        var values: [Float] = []
        while let bits = bytes.readInteger(endianness: .little, as: UInt32.self) {
            values.append(Float(bitPattern: bits))
        }
        return values
    }

    public func binaryDoubles() -> [Double] {
        guard var bytes, vr == .FD || vr == .OD else { return [] }
        var values: [Double] = []
        while let bits = bytes.readInteger(endianness: .little, as: UInt64.self) {
            values.append(Double(bitPattern: bits))
        }
        return values
    }
}

extension SpecificCharacterSet {
    /// The character sets most files name, built once: every data set read asks for its own.
    static let common: [String: SpecificCharacterSet] = {
        var sets: [String: SpecificCharacterSet] = [:]
        for term in ["ISO_IR 100", "ISO_IR 192", "ISO_IR 6", "ISO_IR 101", "ISO_IR 144", "ISO_IR 126", "GB18030"] {
            let set = SpecificCharacterSet(terms: [term])
            sets[term] = set
            sets[term + " "] = set
        }
        return sets
    }()
}
