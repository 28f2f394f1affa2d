import NIOCore

/// What one data element becomes in the DICOM JSON model (PS3.18 F.2) and the Native DICOM
/// Model (PS3.19 A.1): both models carry the same content and differ only in syntax, so the
/// encoders share this classification and each renders it its own way.
enum NativeContent {
    /// Zero-length value: the attribute is written with its VR only (PS3.18 F.2.5).
    case empty
    /// Text values, decoded and with padding removed; nil marks an empty value among several.
    case strings([String?])
    /// DS and IS values as their (trimmed) text, so that each model can render them exactly.
    case decimalStrings([String?])
    /// PN values as their decoded text, `Alphabetic=Ideographic=Phonetic`.
    case personNames([String?])
    case signedIntegers([Int64])
    case unsignedIntegers([UInt64])
    case floats([Float])
    case doubles([Double])
    case attributeTags([Tag])
    case sequence([DataSet])
    /// A binary value to inline as base64 (for encapsulated pixel data, its value field).
    case inlineBinary(ByteBuffer)
    case bulkDataURI(String)
}

extension NativeContent {
    /// Classifies an element. `characterSet` decodes text VRs; `policy` and `location` decide
    /// whether a binary value is inlined or referenced.
    init(
        _ element: DataElement, characterSet: SpecificCharacterSet, policy: BulkDataPolicy, location: ElementLocation
    ) {
        switch element.value {
        case .sequence(let items):
            self = items.isEmpty ? .empty : .sequence(items)
        case .encapsulated(let pixelData):
            let length = pixelData.valueFieldLength
            if let uri = policy.uri(for: element.tag, vr: element.vr, length: length, location: location) {
                self = .bulkDataURI(uri)
            } else {
                self = .inlineBinary(pixelData.valueField)
            }
        case .bytes(let bytes):
            self = Self.primitive(element, bytes: bytes, characterSet: characterSet, policy: policy, location: location)
        }
    }

    private static func primitive(
        _ element: DataElement, bytes: ByteBuffer, characterSet: SpecificCharacterSet, policy: BulkDataPolicy,
        location: ElementLocation
    ) -> NativeContent {
        let vr = element.vr
        guard bytes.readableBytes > 0, vr != .SQ else { return .empty }
        if vr.isBulkDataCandidate {
            if let uri = policy.uri(for: element.tag, vr: vr, length: bytes.readableBytes, location: location) {
                return .bulkDataURI(uri)
            }
            return .inlineBinary(bytes)
        }
        if vr.isString {
            let values = element.strings(characterSet: characterSet).map { $0.isEmpty ? nil : $0 }
            // One empty value is an empty attribute; among several, each empty one is null.
            if values.allSatisfy({ $0 == nil }), values.count <= 1 { return .empty }
            switch vr {
            case .PN: return .personNames(values)
            case .DS, .IS: return .decimalStrings(values)
            default: return .strings(values)
            }
        }
        return binaryNumbers(vr: vr, bytes: bytes)
    }

    /// The numbers of a binary numeric VR. A trailing partial number is ignored, as by the
    /// accessors; a value shorter than one number is empty.
    private static func binaryNumbers(vr: VR, bytes: ByteBuffer) -> NativeContent {
        var input = bytes
        switch vr {
        case .US:
            return unsigned(&input, UInt16.self)
        case .UL:
            return unsigned(&input, UInt32.self)
        case .UV:
            return unsigned(&input, UInt64.self)
        case .SS:
            return signed(&input, Int16.self)
        case .SL:
            return signed(&input, Int32.self)
        case .SV:
            return signed(&input, Int64.self)
        case .FL:
            var values: [Float] = []
            while let bits = input.readInteger(endianness: .little, as: UInt32.self) {
                values.append(Float(bitPattern: bits))
            }
            return values.isEmpty ? .empty : .floats(values)
        case .FD:
            var values: [Double] = []
            while let bits = input.readInteger(endianness: .little, as: UInt64.self) {
                values.append(Double(bitPattern: bits))
            }
            return values.isEmpty ? .empty : .doubles(values)
        case .AT:
            var tags: [Tag] = []
            while let group = input.readInteger(endianness: .little, as: UInt16.self),
                let number = input.readInteger(endianness: .little, as: UInt16.self)
            {
                tags.append(Tag(group, number))
            }
            return tags.isEmpty ? .empty : .attributeTags(tags)
        default:
            return .empty
        }
    }

    private static func unsigned<T: FixedWidthInteger & UnsignedInteger>(
        _ input: inout ByteBuffer, _: T.Type
    ) -> NativeContent {
        var values: [UInt64] = []
        values.reserveCapacity(input.readableBytes / MemoryLayout<T>.size)
        while let value = input.readInteger(endianness: .little, as: T.self) { values.append(UInt64(value)) }
        return values.isEmpty ? .empty : .unsignedIntegers(values)
    }

    private static func signed<T: FixedWidthInteger & SignedInteger>(_ input: inout ByteBuffer, _: T.Type)
        -> NativeContent
    {
        var values: [Int64] = []
        values.reserveCapacity(input.readableBytes / MemoryLayout<T>.size)
        while let value = input.readInteger(endianness: .little, as: T.self) { values.append(Int64(value)) }
        return values.isEmpty ? .empty : .signedIntegers(values)
    }
}

extension DataSet {
    /// The character set for this data set's text when it is an item of a data set whose
    /// character set is `enclosing`: its own (0008,0005) first, then what it was read with.
    func characterSet(enclosedBy enclosing: SpecificCharacterSet?) -> SpecificCharacterSet {
        if contains(.specificCharacterSet) || inheritedCharacterSet != nil { return characterSet }
        return enclosing ?? .default
    }
}
