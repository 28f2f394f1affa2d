public import NIOCore

extension Archive {
    /// The data set of a stored instance as DIMSE sends it: its blob without the preamble and
    /// file meta information, bytes as stored (deflated or compressed ones included).
    /// Throws `BlobStoreError`s, or `RetrieveError.tooLarge` past `maximumSize`.
    public func dataSet(of instance: StoredInstance, maximumSize: Int) async throws -> ByteBuffer {
        var whole = ByteBuffer()
        for try await chunk in try await content(of: instance) {
            guard whole.readableBytes + chunk.readableBytes <= maximumSize else {
                throw RetrieveError.tooLarge(sopInstanceUID: instance.sopInstanceUID, limit: maximumSize)
            }
            if whole.readableBytes == 0 {
                whole = chunk
            } else {
                whole.writeImmutableBuffer(chunk)
            }
        }
        guard let start = Self.dataSetOffset(inPart10: whole) else {
            throw RetrieveError.notPart10(sopInstanceUID: instance.sopInstanceUID)
        }
        return whole.getSlice(at: whole.readerIndex + start, length: whole.readableBytes - start) ?? ByteBuffer()
    }

    /// Where the data set starts in Part 10 bytes: after the 128-byte preamble, `DICM` and the
    /// group 0002 elements (always explicit VR little endian, PS3.10 §7.1). Nil if the bytes
    /// are not Part 10.
    static func dataSetOffset(inPart10 bytes: ByteBuffer) -> Int? {
        let base = bytes.readerIndex
        guard bytes.getString(at: base + 128, length: 4) == "DICM" else { return nil }
        var offset = 132
        // VRs with a 2-byte reserved field and a 4-byte length (PS3.5 Table 7.1-1).
        let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]
        while let group = bytes.getInteger(at: base + offset, endianness: .little, as: UInt16.self), group == 0x0002 {
            guard let vr = bytes.getString(at: base + offset + 4, length: 2) else { return nil }
            let length: Int
            let header: Int
            if longVRs.contains(vr) {
                guard let value = bytes.getInteger(at: base + offset + 8, endianness: .little, as: UInt32.self)
                else { return nil }
                length = Int(value)
                header = 12
            } else {
                guard let value = bytes.getInteger(at: base + offset + 6, endianness: .little, as: UInt16.self)
                else { return nil }
                length = Int(value)
                header = 8
            }
            offset += header + length
            guard offset <= bytes.readableBytes else { return nil }
        }
        return offset
    }
}

/// Why a stored instance could not be read back for retrieval.
public enum RetrieveError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge(sopInstanceUID: String, limit: Int)
    /// The blob is not a Part 10 file: the store is damaged.
    case notPart10(sopInstanceUID: String)

    public var description: String {
        switch self {
        case .tooLarge(let uid, let limit): "instance \(uid) is larger than \(limit) bytes"
        case .notPart10(let uid): "the blob of \(uid) is not a Part 10 file"
        }
    }
}
