import DICOM
import NIOCore
import Synchronization

extension STOWPartStore {
    /// `multipart/related; type="application/dicom+json"` (or `+xml`): metadata parts (a JSON
    /// array of data sets or one object; one Native DICOM Model document per XML part) and
    /// bulk data parts that their `BulkDataURI`s name by Content-Location (PS3.18 §10.5.1.2).
    ///
    /// Bulk data may follow the metadata that references it, so the request is held until its
    /// end, bounded by `maximumSize` in all (a larger one is answered 413). Each data set then
    /// becomes a Part 10 file, in the transfer syntax its metadata names in (0002,0010) or
    /// else Explicit VR Little Endian, and is stored like a binary part.
    func storeMetadataParts<Body>(
        from reader: inout MultipartReader<Body>, xml: Bool, maximumSize: Int,
        into response: inout StoreInstancesResponse
    ) async throws {
        let metadataType = xml ? "application/dicom+xml" : "application/dicom+json"
        var metadata: [ByteBuffer] = []
        var bulkData: [String: ByteBuffer] = [:]
        var held = 0
        var part = PartBytes()
        var headers = MultipartPartHeaders()
        while let event = try await reader.next() {
            switch event {
            case .partStart(let partHeaders):
                headers = partHeaders
                part = PartBytes()
            case .bodyChunk(let chunk):
                held += chunk.readableBytes
                guard held <= maximumSize else { throw MultipartError.partTooLarge(limit: maximumSize) }
                part.append(chunk, expecting: 0)
            case .partEnd:
                let type = headers.contentType?.mediaType
                if type == metadataType || (type == nil && metadata.isEmpty) {
                    metadata.append(part.bytes)
                } else if let location = headers["Content-Location"] ?? headers["Content-ID"] {
                    bulkData[location] = part.bytes
                } else {
                    fail(
                        nil, header: nil, reason: .cannotUnderstand,
                        detail: "bulk data part of type \(type ?? "-") without Content-Location", into: &response)
                }
            }
        }
        let resolver = STOWBulkDataResolver(bulkData)
        for document in metadata {
            let dataSets: [DataSet]
            do {
                dataSets = try xml ? [resolver.decodeXML(document)] : resolver.decodeJSON(document)
            } catch {
                fail(nil, header: nil, reason: .cannotUnderstand, detail: "metadata: \(error)", into: &response)
                continue
            }
            // The decoders do not say which data set of an array named a missing part, so
            // every data set of that document fails.
            let unresolved = resolver.takeUnresolved()
            for dataSet in dataSets {
                await store(dataSet: dataSet, unresolved: unresolved, into: &response)
            }
        }
    }

    private func store(dataSet: DataSet, unresolved: [String], into response: inout StoreInstancesResponse) async {
        if let uri = unresolved.first {
            fail(
                nil, header: dataSet, reason: .cannotUnderstand,
                detail: "BulkDataURI \(uri) names no part of the request", into: &response)
            return
        }
        var dataSet = dataSet
        var meta = DataSet()
        for element in dataSet.elements(in: Tag(0x0002, 0x0000)..<Tag(0x0003, 0x0000)) { meta.insert(element) }
        dataSet.removeAll { $0.tag.group == 0x0002 }
        let syntax = meta.string(.transferSyntaxUID).flatMap(UID.init).map(TransferSyntax.init(uid:))
        let file = DICOMFile(meta: meta, dataSet: dataSet, transferSyntax: syntax ?? .explicitVRLittleEndian)
        let bytes: ByteBuffer
        do {
            bytes = try file.encoded()
        } catch {
            fail(
                nil, header: dataSet, reason: .transferSyntaxNotSupported,
                detail: "cannot write the instance in \(file.transferSyntax.uid.rawValue): \(error)", into: &response)
            return
        }
        await store(part10: bytes, into: &response)
    }
}

/// The bulk data parts of a request, by Content-Location, for the decoders; remembers the URIs
/// that named no part, so that an instance with missing bulk data fails instead of being
/// stored with empty values.
final class STOWBulkDataResolver: Sendable {
    private let parts: [String: ByteBuffer]
    private let unresolved = Mutex<[String]>([])

    init(_ parts: [String: ByteBuffer]) {
        self.parts = parts
    }

    func bytes(_ uri: String) -> ByteBuffer? {
        if let part = parts[uri] { return part }
        unresolved.withLock { $0.append(uri) }
        return nil
    }

    func takeUnresolved() -> [String] {
        unresolved.withLock { names in
            defer { names.removeAll() }
            return names
        }
    }

    /// An array of data sets or a single one.
    func decodeJSON(_ json: ByteBuffer) throws -> [DataSet] {
        let decoder = DICOMJSONDecoder(bulkData: { [self] uri in bytes(uri) })
        if json.readableBytesView.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[") {
            return try decoder.decodeArray(json)
        }
        return [try decoder.decode(json)]
    }

    func decodeXML(_ xml: ByteBuffer) throws -> DataSet {
        try DICOMXMLDecoder(bulkData: { [self] uri in bytes(uri) }).decode(xml)
    }
}
