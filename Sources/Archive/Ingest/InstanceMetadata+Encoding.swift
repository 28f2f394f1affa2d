public import DICOM
public import NIOCore

extension InstanceMetadata {
    /// The metadata of a data set: DICOM JSON with bulk data values over `bulkDataThreshold`
    /// bytes as `apus-bulk:` URIs, deflated when `encoding` asks for it (and it shrinks).
    public init(dataSet: DataSet, encoding: Encoding, bulkDataThreshold: Int) {
        let encoder = DICOMJSONEncoder(
            bulkDataThreshold: bulkDataThreshold,
            bulkDataURI: { reference in InstanceMetadata.bulkDataURI(for: reference) })
        let json = encoder.encode(dataSet)
        if encoding == .deflatedJSON, let deflated = Deflate.deflate(json, level: Self.deflateLevel),
            deflated.readableBytes < json.readableBytes
        {
            self.init(encoding: .deflatedJSON, bytes: deflated)
        } else {
            self.init(encoding: .json, bytes: json)
        }
    }

    /// zlib's fastest level: every stored instance pays for the deflating, and level 6 makes
    /// the metadata of an image only a few percent smaller.
    public static let deflateLevel: Int32 = 1

    /// `apus-bulk:` followed by the element's path: each enclosing sequence's tag and item
    /// index, then its own tag, separated by `/`.
    public static func bulkDataURI(for reference: BulkDataReference) -> String {
        var parts: [String] = []
        for (index, tag) in reference.path.enumerated() {
            parts.append(tag.hexString)
            if index < reference.itemIndices.count { parts.append(String(reference.itemIndices[index])) }
        }
        return bulkDataScheme + parts.joined(separator: "/")
    }

    /// The DICOM JSON text, inflated if it was stored deflated; nil when the stored bytes
    /// are damaged or inflate past `maximumSize`.
    public func json(maximumSize: Int = 64 << 20) -> ByteBuffer? {
        switch encoding {
        case .json: bytes
        case .deflatedJSON: try? Deflate.inflate(bytes, maximumSize: maximumSize)
        }
    }
}
