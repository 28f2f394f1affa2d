import Archive
import NIOCore

extension STOWPartStore {
    /// Stores running at once for one request. Each store waits for its file's fsync (and the
    /// index's commit) for most of its time; while it waits, the next parts are read and
    /// stored, so that one client's request goes as fast as several clients' would.
    static var concurrentStores: Int { 8 }
    /// Bytes of parts held by stores not finished yet: a request of big parts waits for
    /// earlier stores before it reads more, so its memory stays bounded.
    static var bytesInFlight: Int { 64 << 20 }

    /// `multipart/related; type="application/dicom"`: every part a Part 10 file, stored as
    /// soon as its closing delimiter is read, while the next parts are read. A part of
    /// another media type fails (0xC000) without stopping the others. The response lists the
    /// parts in the order they came. Throws what the reader throws: a malformed body (the
    /// parts before it stay stored).
    func storeBinaryParts<Body>(
        from reader: inout MultipartReader<Body>, into response: inout StoreInstancesResponse
    ) async throws {
        var outcomes: [(index: Int, outcome: Outcome)] = []
        // A malformed body ends the reading, not the stores already started: they finish and
        // are answered for, then the reader's error is thrown.
        let readingError = try await withThrowingTaskGroup(of: (index: Int, size: Int, outcome: Outcome).self) {
            group -> (any Error)? in
            var running = 0
            var heldBytes = 0
            func collect() async throws {
                guard let done = try await group.next() else { return }
                running -= 1
                heldBytes -= done.size
                outcomes.append((done.index, done.outcome))
            }
            var part = PartBytes()
            var lastPartSize = 0
            var partType: String?
            var index = 0
            var readingError: (any Error)?
            do {
                while let event = try await reader.next() {
                    switch event {
                    case .partStart(let headers):
                        part = PartBytes()
                        partType = headers.contentType?.mediaType
                    case .bodyChunk(let chunk):
                        // A part of a type we don't take is read past, not kept.
                        if Self.isDICOM(partType) { part.append(chunk, expecting: lastPartSize) }
                    case .partEnd:
                        if Self.isDICOM(partType) {
                            while running > 0
                                && (running >= Self.concurrentStores
                                    || heldBytes + part.bytes.readableBytes > Self.bytesInFlight)
                            {
                                try await collect()
                            }
                            let bytes = part.bytes
                            lastPartSize = bytes.readableBytes
                            let position = index
                            running += 1
                            heldBytes += bytes.readableBytes
                            group.addTask { (position, bytes.readableBytes, await outcome(storing: bytes)) }
                        } else {
                            outcomes.append(
                                (
                                    index,
                                    failure(
                                        nil, header: nil, reason: .cannotUnderstand,
                                        detail: "part of type \(partType ?? "-") in an application/dicom request")
                                ))
                        }
                        index += 1
                        // A fresh buffer: the stored bytes may still be referenced by the archive.
                        part = PartBytes()
                    }
                }
            } catch {
                readingError = error
            }
            while running > 0 { try await collect() }
            return readingError
        }
        for entry in outcomes.sorted(by: { $0.index < $1.index }) { record(entry.outcome, into: &response) }
        if let readingError { throw readingError }
    }

    /// A part without a Content-Type takes the request's `type`, application/dicom.
    static func isDICOM(_ mediaType: String?) -> Bool {
        mediaType == nil || mediaType == "application/dicom"
    }
}

/// A part's bytes as its body chunks come. A part that arrives in one chunk, and fills at least
/// half of that chunk's storage, is that chunk, not a copy (a smaller one would keep the whole
/// storage alive for a few bytes); a longer part is copied once into a buffer sized like the
/// part before it (up to 8 MiB), so a series of alike instances is not copied again each time
/// the buffer grows.
struct PartBytes {
    private(set) var bytes = ByteBuffer()
    /// `bytes` is a chunk the parser handed out, which shares its storage.
    private var borrowed = false

    /// The most reserved ahead of a part from the size of the one before it: what is held is
    /// counted by readable bytes, so a reservation must not be far larger. Storage comes in
    /// powers of two, so the alignment's 4 KiB are left room for below 8 MiB.
    static let maximumReservation = (8 << 20) - (4 << 10)

    mutating func append(_ chunk: ByteBuffer, expecting size: Int) {
        if bytes.readableBytes == 0 && chunk.readableBytes * 2 >= chunk.storageCapacity {
            bytes = chunk
            borrowed = true
        } else if bytes.readableBytes == 0 || borrowed {
            // Aligned, so that a file store writes the part to disk from this buffer.
            var owned = FileBlobStore.alignedBuffer(
                capacity: max(min(size, Self.maximumReservation), bytes.readableBytes + chunk.readableBytes))
            owned.writeImmutableBuffer(bytes)
            owned.writeImmutableBuffer(chunk)
            bytes = owned
            borrowed = false
        } else {
            bytes.writeImmutableBuffer(chunk)
        }
    }
}
