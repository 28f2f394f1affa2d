import NIOCore

extension STOWPartStore {
    /// `multipart/related; type="application/dicom"`: every part a Part 10 file, stored as
    /// soon as its closing delimiter is read. A part of another media type fails (0xC000)
    /// without stopping the others. Throws what the reader throws: a malformed body.
    func storeBinaryParts<Body>(
        from reader: inout MultipartReader<Body>, into response: inout StoreInstancesResponse
    ) async throws {
        var part = ByteBuffer()
        var partType: String?
        while let event = try await reader.next() {
            switch event {
            case .partStart(let headers):
                part.clear()
                partType = headers.contentType?.mediaType
            case .bodyChunk(let chunk):
                // A part of a type we don't take is read past, not kept.
                if Self.isDICOM(partType) { part.writeImmutableBuffer(chunk) }
            case .partEnd:
                if Self.isDICOM(partType) {
                    await store(part10: part, into: &response)
                } else {
                    fail(
                        nil, header: nil, reason: .cannotUnderstand,
                        detail: "part of type \(partType ?? "-") in an application/dicom request", into: &response)
                }
                // A fresh buffer: the stored bytes may still be referenced by the archive.
                part = ByteBuffer()
            }
        }
    }

    /// A part without a Content-Type takes the request's `type`, application/dicom.
    static func isDICOM(_ mediaType: String?) -> Bool {
        mediaType == nil || mediaType == "application/dicom"
    }
}
