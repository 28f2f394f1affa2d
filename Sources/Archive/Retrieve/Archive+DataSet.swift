public import NIOCore

extension Archive {
    /// The data set of a stored instance as DIMSE sends it, streamed from the blob store: the
    /// blob without its preamble and file meta information, bytes as stored (deflated or
    /// compressed ones included). The stream throws `RetrieveError.notPart10` for a blob that
    /// is not a Part 10 file, and the blob store's errors.
    public func dataSetStream(of instance: StoredInstance) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
        let cursor = Part10BodyCursor(
            try await content(of: instance).makeAsyncIterator(), sopInstanceUID: instance.sopInstanceUID)
        return AsyncThrowingStream(unfolding: { try await cursor.next() })
    }

    /// Where the data set starts in the first bytes of a Part 10 file: after the 128-byte
    /// preamble, `DICM` and the group 0002 elements (always explicit VR little endian,
    /// PS3.10 §7.1).
    static func dataSetOffset(inPart10 bytes: ByteBuffer) -> Part10Scan {
        let base = bytes.readerIndex
        guard bytes.readableBytes >= 132 else { return .incomplete }
        guard bytes.getString(at: base + 128, length: 4) == "DICM" else { return .notPart10 }
        var offset = 132
        // VRs with a 2-byte reserved field and a 4-byte length (PS3.5 Table 7.1-1).
        let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]
        while true {
            // The next element's group, VR and length must be here to tell where group 0002 ends.
            guard let group = bytes.getInteger(at: base + offset, endianness: .little, as: UInt16.self),
                let vr = bytes.getString(at: base + offset + 4, length: 2)
            else { return .incomplete }
            guard group == 0x0002 else { return .dataSet(at: offset) }
            let length: Int
            let header: Int
            if longVRs.contains(vr) {
                guard let value = bytes.getInteger(at: base + offset + 8, endianness: .little, as: UInt32.self)
                else { return .incomplete }
                length = Int(value)
                header = 12
            } else {
                guard let value = bytes.getInteger(at: base + offset + 6, endianness: .little, as: UInt16.self)
                else { return .incomplete }
                length = Int(value)
                header = 8
            }
            offset += header + length
        }
    }

    enum Part10Scan: Equatable {
        case incomplete
        case notPart10
        case dataSet(at: Int)
    }
}

/// Pulls a blob chunk by chunk, dropping the Part 10 header before the first byte it yields.
actor Part10BodyCursor {
    private var iterator: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
    private let sopInstanceUID: String
    /// The first chunks, until the header's end is among them; nil once it has been skipped.
    private var head: ByteBuffer? = ByteBuffer()

    init(_ iterator: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator, sopInstanceUID: String) {
        self.iterator = iterator
        self.sopInstanceUID = sopInstanceUID
    }

    func next() async throws -> ByteBuffer? {
        while true {
            // One caller at a time (the stream asks for one element at a time), so nothing else
            // uses the iterator while it is out of the actor's storage.
            var current = iterator
            let chunk = try await current.next(isolation: self)
            iterator = current
            guard var collected = head else { return chunk }
            // A blob that ends within its header has no data set: not one we stored.
            guard let chunk else { throw RetrieveError.notPart10(sopInstanceUID: sopInstanceUID) }
            collected.writeImmutableBuffer(chunk)
            switch Archive.dataSetOffset(inPart10: collected) {
            case .incomplete:
                head = collected
            case .notPart10:
                throw RetrieveError.notPart10(sopInstanceUID: sopInstanceUID)
            case .dataSet(let offset):
                head = nil
                guard offset < collected.readableBytes else { continue }
                return collected.getSlice(at: collected.readerIndex + offset, length: collected.readableBytes - offset)
            }
        }
    }
}

/// Why a stored instance could not be read back for retrieval.
public enum RetrieveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The blob is not a Part 10 file: the store is damaged.
    case notPart10(sopInstanceUID: String)

    public var description: String {
        switch self {
        case .notPart10(let uid): "the blob of \(uid) is not a Part 10 file"
        }
    }
}
