public import NIOCore

/// Reads a data set from the Native DICOM Model (PS3.19 Annex A.1), as STOW-RS requests with
/// XML metadata carry it.
///
/// The XML is read by `XMLReader`, which refuses DTDs and undefined entities and bounds nesting;
/// every failure is a `DICOMXMLError`. Text is encoded as by `DICOMJSONDecoder`: in the declared
/// Specific Character Set when it fits, else in UTF-8 with (0008,0005) set to "ISO_IR 192".
public struct DICOMXMLDecoder: Sendable {
    /// Sequences nested deeper than this are refused; values above 256 count as 256.
    public var maximumDepth: Int
    /// Fetches the bytes behind `<BulkData uri=…>`; without it, or when it gives nil, the
    /// element is kept with its VR and an empty value.
    public var bulkData: (@Sendable (String) -> ByteBuffer?)?

    public init(maximumDepth: Int = 64, bulkData: (@Sendable (String) -> ByteBuffer?)? = nil) {
        self.maximumDepth = maximumDepth
        self.bulkData = bulkData
    }

    public func decode(_ xml: ByteBuffer) throws(DICOMXMLError) -> DataSet {
        let root = try parse(xml)
        guard root.name == "NativeDicomModel" else {
            throw .unexpectedElement(name: root.name, context: "the document root")
        }
        let reader = XMLModelReader(maximumDepth: maximumDepth)
        let attributes = try reader.attributes(in: root, context: "NativeDicomModel", depth: 0)
        do throws(NativeValueError) {
            return try NativeDataSetBuilder.build(attributes, bulkData: bulkData)
        } catch {
            throw .wrongValueType(tag: error.tag, vr: error.vr, reason: error.reason)
        }
    }

    /// A first bound, for the reader's stack: each sequence level costs two elements
    /// (DicomAttribute, Item), and under the deepest data set a PN value still nests four
    /// (DicomAttribute, PersonName, Alphabetic, FamilyName). `XMLModelReader` then counts the
    /// sequences themselves.
    private func parse(_ xml: ByteBuffer) throws(DICOMXMLError) -> XMLElement {
        var reader = XMLReader(xml, maximumDepth: 2 * min(max(0, maximumDepth), DICOMJSONDecoder.depthCeiling) + 5)
        do throws(XMLReader.Failure) {
            return try reader.parse()
        } catch {
            switch error {
            case .malformed(let offset, let reason): throw .malformedXML(offset: offset, reason: reason)
            case .tooDeep(let offset, _): throw .depthExceeded(offset: offset, limit: maximumDepth)
            case .unsupported(let offset, let feature): throw .unsupported(offset: offset, feature: feature)
            }
        }
    }
}
