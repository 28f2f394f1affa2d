import NIOCore

/// Builds a data set from attributes read out of the JSON or XML model: text encoded in the
/// data set's Specific Character Set and padded to even length, numbers in little endian of the
/// element's VR, binary values as given.
///
/// Text in both models is Unicode. It is first encoded in the character set that the model's
/// own (0008,0005) declares (PS3.18 F.2.2 note 3: the attribute describes the source data set).
/// When any text cannot be encoded that way — or the data set declares none and the text is not
/// ASCII — the whole data set is built again in UTF-8 and (0008,0005) is set to "ISO_IR 192",
/// at the top level and in every item that had its own.
struct NativeDataSetBuilder {
    typealias BulkDataResolver = @Sendable (String) -> ByteBuffer?

    private let resolver: BulkDataResolver?
    private let forceUnicode: Bool
    /// Some text did not fit its character set.
    private var needsUnicode = false
    /// Resolved bulk data, so that the second pass does not fetch it again.
    private var resolved: [String: ByteBuffer?] = [:]

    private static let unicode = SpecificCharacterSet(terms: ["ISO_IR 192"])

    private init(resolver: BulkDataResolver?, forceUnicode: Bool, resolved: [String: ByteBuffer?]) {
        self.resolver = resolver
        self.forceUnicode = forceUnicode
        self.resolved = resolved
    }

    static func build(
        _ attributes: [NativeAttribute], bulkData resolver: BulkDataResolver?
    ) throws(NativeValueError) -> DataSet {
        var first = NativeDataSetBuilder(resolver: resolver, forceUnicode: false, resolved: [:])
        let dataSet = try first.dataSet(attributes, enclosing: nil)
        guard first.needsUnicode else { return dataSet }
        var second = NativeDataSetBuilder(resolver: resolver, forceUnicode: true, resolved: first.resolved)
        var unicodeDataSet = try second.dataSet(attributes, enclosing: nil)
        unicodeDataSet.set(.specificCharacterSet, vr: .CS, string: "ISO_IR 192")
        return unicodeDataSet
    }

    private mutating func dataSet(
        _ attributes: [NativeAttribute], enclosing: SpecificCharacterSet?
    ) throws(NativeValueError) -> DataSet {
        let characterSet = forceUnicode ? Self.unicode : Self.declaredCharacterSet(in: attributes) ?? enclosing
        var dataSet = DataSet(inheritedCharacterSet: enclosing)
        for attribute in attributes {
            if forceUnicode, attribute.tag == .specificCharacterSet {
                dataSet.set(.specificCharacterSet, vr: .CS, string: "ISO_IR 192")
                continue
            }
            dataSet.insert(try element(attribute, characterSet: characterSet ?? .default))
        }
        return dataSet
    }

    private static func declaredCharacterSet(in attributes: [NativeAttribute]) -> SpecificCharacterSet? {
        guard let attribute = attributes.first(where: { $0.tag == .specificCharacterSet }),
            case .values(let scalars) = attribute.content
        else { return nil }
        let terms = scalars.map { scalar -> String in
            if case .string(let term) = scalar { return term.trimmingCharacters(in: " ") }
            return ""
        }
        return SpecificCharacterSet(terms: terms)
    }

    private mutating func element(
        _ attribute: NativeAttribute, characterSet: SpecificCharacterSet
    ) throws(NativeValueError) -> DataElement {
        let tag = attribute.tag
        let vr = attribute.vr
        switch attribute.content {
        case .empty:
            if vr == .SQ { return DataElement(tag: tag, vr: .SQ, value: .sequence([])) }
            return DataElement(tag: tag, vr: vr, bytes: ByteBuffer())
        case .items(let items):
            guard vr == .SQ else { throw NativeValueError(tag: tag, vr: vr, reason: "items in a non-sequence") }
            var dataSets: [DataSet] = []
            dataSets.reserveCapacity(items.count)
            for item in items { dataSets.append(try dataSet(item, enclosing: characterSet)) }
            return DataElement(tag: tag, vr: .SQ, value: .sequence(dataSets))
        case .inlineBinary(let bytes):
            return try binaryElement(tag: tag, vr: vr, bytes: bytes)
        case .bulkDataURI(let uri):
            guard let bytes = resolve(uri) else { return DataElement(tag: tag, vr: vr, bytes: ByteBuffer()) }
            return try binaryElement(tag: tag, vr: vr, bytes: bytes)
        case .personNames(let names):
            guard vr == .PN else { throw NativeValueError(tag: tag, vr: vr, reason: "person names in a non-PN") }
            let text = names.map { $0?.text ?? "" }.joined(separator: "\\")
            return DataElement(tag: tag, vr: vr, bytes: encodeText(text, vr: vr, characterSet: characterSet))
        case .values(let scalars):
            let bytes = try NativeValueEncoder(tag: tag, vr: vr).encode(scalars) { text, vr in
                encodeText(text, vr: vr, characterSet: characterSet)
            }
            return DataElement(tag: tag, vr: vr, bytes: bytes)
        }
    }

    private mutating func resolve(_ uri: String) -> ByteBuffer? {
        if let cached = resolved[uri] { return cached }
        let bytes = resolver?(uri)
        resolved[uri] = .some(bytes)
        return bytes
    }

    /// A binary value; pixel data whose bytes form an item sequence is encapsulated again.
    private func binaryElement(tag: Tag, vr: VR, bytes: ByteBuffer) throws(NativeValueError) -> DataElement {
        guard vr != .SQ else { throw NativeValueError(tag: tag, vr: vr, reason: "binary value for a sequence") }
        if tag.group == 0x7FE0, tag.element == 0x0010, vr == .OB || vr == .OW || vr == .UN,
            bytes.getInteger(at: bytes.readerIndex, endianness: .little, as: UInt32.self) == 0xE000_FFFE,
            let pixelData = EncapsulatedPixelData(valueField: bytes)
        {
            return DataElement(tag: tag, vr: vr == .UN ? .OB : vr, value: .encapsulated(pixelData))
        }
        // Kept at its length, odd or not: the Part 10 writer pads on output (and the JSON
        // model is exempt from padding, CP-1920), so the value round-trips exactly.
        return DataElement(tag: tag, vr: vr, bytes: bytes)
    }

    /// Text in the character set, padded to even length. VRs outside the reach of Specific
    /// Character Set are written as UTF-8, which is ASCII for valid values.
    private mutating func encodeText(_ text: String, vr: VR, characterSet: SpecificCharacterSet) -> ByteBuffer {
        var bytes: [UInt8]
        if forceUnicode || !vr.usesSpecificCharacterSet || text.utf8.allSatisfy({ $0 < 0x80 }) {
            bytes = Array(text.utf8)
        } else if Self.isDefaultRepertoire(characterSet) {
            needsUnicode = true
            bytes = Array(text.utf8)
        } else if let encoded = characterSet.encode(text, vr: vr) {
            bytes = encoded
        } else {
            needsUnicode = true
            bytes = Array(text.utf8)
        }
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        return ByteBuffer(bytes: bytes)
    }

    /// No terms, or only ISO_IR 6: the default repertoire, ASCII.
    private static func isDefaultRepertoire(_ characterSet: SpecificCharacterSet) -> Bool {
        characterSet.terms.allSatisfy { $0.isEmpty || $0 == "ISO_IR 6" }
    }
}
