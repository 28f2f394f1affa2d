public import NIOCore

/// Encodes a data set in the Native DICOM Model (PS3.19 Annex A.1), the XML of
/// `application/dicom+xml` in DICOMweb (PS3.18 F.3).
///
/// Values are written as their DICOM text: DS and IS as in the data set, FL and FD as the
/// shortest text that reads back exactly, NaN and infinities as XML Schema's `NaN`, `INF`,
/// `-INF`. PN values get one element per non-empty component. Binary values follow the same
/// threshold rule as `DICOMJSONEncoder`. Group length elements are left out (A.1.1).
public struct DICOMXMLEncoder: Sendable {
    /// Values of VR OB, OD, OF, OL, OV, OW or UN (and encapsulated pixel data) longer than this
    /// many bytes become `<BulkData uri=…>` when `bulkDataURI` gives one; nil inlines every value.
    public var bulkDataThreshold: Int?
    public var bulkDataURI: (@Sendable (BulkDataReference) -> String?)?

    public init(
        bulkDataThreshold: Int? = nil, bulkDataURI: (@Sendable (BulkDataReference) -> String?)? = nil
    ) {
        self.bulkDataThreshold = bulkDataThreshold
        self.bulkDataURI = bulkDataURI
    }

    public func encode(_ dataSet: DataSet) -> ByteBuffer {
        var writer = XMLWriter(capacity: 256 + dataSet.count * 120)
        writer.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        writer.raw(
            "<NativeDicomModel xmlns=\"http://dicom.nema.org/PS3.19/models/NativeDICOM\" xml:space=\"preserve\">\n")
        write(dataSet, location: ElementLocation(), enclosing: nil, lineBreaks: true, into: &writer)
        writer.raw("</NativeDicomModel>\n")
        return writer.finish()
    }

    public func encodeString(_ dataSet: DataSet) -> String {
        String(buffer: encode(dataSet))
    }

    private var policy: BulkDataPolicy {
        BulkDataPolicy(threshold: bulkDataThreshold, uri: bulkDataURI)
    }

    private func write(
        _ dataSet: DataSet, location: ElementLocation, enclosing: SpecificCharacterSet?, lineBreaks: Bool,
        into writer: inout XMLWriter
    ) {
        let characterSet = dataSet.characterSet(enclosedBy: enclosing)
        for element in dataSet.elements where !element.tag.isGroupLength {
            write(element, in: dataSet, characterSet: characterSet, location: location, into: &writer)
            if lineBreaks { writer.raw("\n") }
        }
    }

    private func write(
        _ element: DataElement, in dataSet: DataSet, characterSet: SpecificCharacterSet, location: ElementLocation,
        into writer: inout XMLWriter
    ) {
        var content = NativeContent(element, characterSet: characterSet, policy: policy, location: location)
        if case .personNames(let values) = content, values.count == 1, Self.components(of: values[0]).isEmpty {
            // `^^` alone: XML has no way to show empty components, so the attribute is empty.
            content = .empty
        }
        writer.open("DicomAttribute")
        writer.attribute("tag", element.tag.hexString)
        if case .sequence = content {
            writer.attribute("vr", "SQ")
        } else {
            writer.attribute("vr", element.vr.rawValue)
        }
        if element.tag.isPrivate {
            if let creator = dataSet.privateCreator(of: element.tag) { writer.attribute("privateCreator", creator) }
        } else if let keyword = DataDictionary.entry(for: element.tag)?.keyword, !keyword.isEmpty {
            writer.attribute("keyword", keyword)
        }
        if case .empty = content {
            writer.closeEmpty()
            return
        }
        writer.close()
        switch content {
        case .empty:
            break
        case .strings(let values), .decimalStrings(let values):
            for (index, value) in values.enumerated() { writeValue(index, value, into: &writer) }
        case .personNames(let values):
            for (index, value) in values.enumerated() { writePersonName(index, value, into: &writer) }
        case .signedIntegers(let values):
            for (index, value) in values.enumerated() { writeValue(index, String(value), into: &writer) }
        case .unsignedIntegers(let values):
            for (index, value) in values.enumerated() { writeValue(index, String(value), into: &writer) }
        case .floats(let values):
            for (index, value) in values.enumerated() {
                writeValue(index, Self.nonFiniteName(Double(value)) ?? value.description, into: &writer)
            }
        case .doubles(let values):
            for (index, value) in values.enumerated() {
                writeValue(index, Self.nonFiniteName(value) ?? value.description, into: &writer)
            }
        case .attributeTags(let tags):
            for (index, tag) in tags.enumerated() { writeValue(index, tag.hexString, into: &writer) }
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                writer.open("Item")
                writer.attribute("number", index + 1)
                writer.close()
                let itemLocation = location.entering(sequence: element.tag, item: index)
                write(item, location: itemLocation, enclosing: characterSet, lineBreaks: false, into: &writer)
                writer.end("Item")
            }
        case .inlineBinary(let bytes):
            writer.open("InlineBinary")
            writer.close()
            writer.base64(bytes)
            writer.end("InlineBinary")
        case .bulkDataURI(let uri):
            writer.open("BulkData")
            writer.attribute("uri", uri)
            writer.closeEmpty()
        }
        writer.end("DicomAttribute")
    }

    /// XML Schema's names for the doubles that have no decimal text.
    private static func nonFiniteName(_ value: Double) -> String? {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-INF" : "INF" }
        return nil
    }

    /// `<Value number="n">text</Value>`, or an empty `<Value number="n"/>` for an empty value.
    private func writeValue(_ index: Int, _ value: String?, into writer: inout XMLWriter) {
        writer.open("Value")
        writer.attribute("number", index + 1)
        guard let value else {
            writer.closeEmpty()
            return
        }
        writer.close()
        writer.text(value)
        writer.end("Value")
    }

    /// A PN value with an element per non-empty group and component (PS3.19 Table A.1.5-2). A
    /// group of empty components (`^^`) has nothing to show and is left out like an empty one.
    private func writePersonName(_ index: Int, _ value: String?, into writer: inout XMLWriter) {
        writer.open("PersonName")
        writer.attribute("number", index + 1)
        let groups = Self.components(of: value)
        guard !groups.isEmpty else {
            writer.closeEmpty()
            return
        }
        writer.close()
        for (groupIndex, components) in groups {
            let name: StaticString
            switch groupIndex {
            case 0: name = "Alphabetic"
            case 1: name = "Ideographic"
            default: name = "Phonetic"
            }
            writer.open(name)
            writer.close()
            for (componentIndex, component) in components.enumerated() where !component.isEmpty {
                writer.element(Self.componentNames[componentIndex], text: String(component))
            }
            writer.end(name)
        }
        writer.end("PersonName")
    }

    /// The groups of a PN value that have a non-empty component, with their index (0 alphabetic,
    /// 1 ideographic, 2 phonetic) and their five or fewer components.
    private static func components(of value: String?) -> [(Int, [Substring])] {
        guard let value else { return [] }
        return value.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)
            .map { $0.split(separator: "^", maxSplits: 4, omittingEmptySubsequences: false) }
            .enumerated()
            .filter { $0.element.contains { !$0.isEmpty } }
            .map { ($0.offset, $0.element) }
    }

    private static let componentNames: [StaticString] = [
        "FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix",
    ]
}
