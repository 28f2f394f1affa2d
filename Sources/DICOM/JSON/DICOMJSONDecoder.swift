public import NIOCore

/// Reads data sets from the DICOM JSON model (PS3.18 Annex F.2), as STOW-RS requests with JSON
/// metadata carry them.
///
/// Input is untrusted: every failure is a `DICOMJSONError`, nesting is bounded, nothing traps.
/// Text values are encoded in the character set that the JSON's own Specific Character Set
/// (0008,0005) declares; when some text does not fit it (or there is none and the text is not
/// ASCII), the data set is encoded in UTF-8 and (0008,0005) is set to "ISO_IR 192" — JSON text
/// is Unicode, and that is the one character set that holds all of it.
///
/// What is read beyond the letter of F.2, because other writers produce it: PN values as plain
/// strings (`"Doe^John"`), `"Value": null`, numbers as strings in any numeric VR, integers
/// written as `1.0` or `1e3`, and the names `"NaN"`, `"Infinity"`, `"-Infinity"` that
/// `DICOMJSONEncoder` writes for non-finite FL/FD values. Binary values (InlineBinary, resolved
/// bulk data) keep their length, odd or not: the Part 10 writer pads them. Pixel data whose
/// bytes form an item sequence (as the encoder writes encapsulated pixel data) is encapsulated
/// again.
public struct DICOMJSONDecoder: Sendable {
    /// Sequences nested deeper than this are refused (like `ReadOptions.maximumDepth`); the
    /// JSON nesting allowed follows from it. Values above 256 count as 256, which keeps the
    /// recursive parser's stack small.
    public var maximumDepth: Int

    static let depthCeiling = 256
    /// Fetches the bytes behind a `BulkDataURI`. Without it, or when it gives nil, the element
    /// is kept with its VR and an empty value.
    public var bulkData: (@Sendable (String) -> ByteBuffer?)?

    public init(maximumDepth: Int = 64, bulkData: (@Sendable (String) -> ByteBuffer?)? = nil) {
        self.maximumDepth = maximumDepth
        self.bulkData = bulkData
    }

    /// One data set from a JSON object.
    public func decode(_ json: ByteBuffer) throws(DICOMJSONError) -> DataSet {
        let value = try parse(json, extraDepth: 0)
        guard case .object(let object) = value else {
            throw .unexpectedType(context: "top level", expected: "an object", found: value.kind)
        }
        return try build(object)
    }

    /// Data sets from a JSON array of objects, as in QIDO-RS responses.
    public func decodeArray(_ json: ByteBuffer) throws(DICOMJSONError) -> [DataSet] {
        let value = try parse(json, extraDepth: 1)
        guard case .array(let elements) = value else {
            throw .unexpectedType(context: "top level", expected: "an array", found: value.kind)
        }
        var dataSets: [DataSet] = []
        dataSets.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard case .object(let object) = element else {
                throw .unexpectedType(context: "data set \(index + 1)", expected: "an object", found: element.kind)
            }
            dataSets.append(try build(object))
        }
        return dataSets
    }

    /// A first bound, for the parser's stack: each level of sequence costs three levels of JSON
    /// (attribute object, Value array, item object), and a data set at the deepest level still
    /// holds PN objects. `JSONModelReader` then counts the sequences themselves.
    private func parse(_ json: ByteBuffer, extraDepth: Int) throws(DICOMJSONError) -> JSONValue {
        let limit = 3 * min(max(0, maximumDepth), Self.depthCeiling) + 4 + extraDepth
        var parser = JSONParser(json, maximumDepth: limit)
        do throws(JSONParser.Failure) {
            return try parser.parse()
        } catch {
            switch error {
            case .syntax(let offset, let reason): throw .invalidJSON(offset: offset, reason: reason)
            case .tooDeep(let offset, _): throw .depthExceeded(offset: offset, limit: maximumDepth)
            }
        }
    }

    private func build(_ object: JSONObject) throws(DICOMJSONError) -> DataSet {
        let attributes = try JSONModelReader(maximumDepth: maximumDepth).attributes(object, depth: 0)
        do throws(NativeValueError) {
            return try NativeDataSetBuilder.build(attributes, bulkData: bulkData)
        } catch {
            throw .wrongValueType(tag: error.tag, vr: error.vr, reason: error.reason)
        }
    }
}
