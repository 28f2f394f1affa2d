import NIOCore

/// multipart/related bodies of `application/dicom` parts, as a STOW-RS client sends them.
enum Multipart {
    static let boundary = "apus-bench-7f3c1d2e9a"
    static let contentType = "multipart/related; type=\"application/dicom\"; boundary=\(boundary)"

    static func partHeader() -> ByteBuffer {
        ByteBuffer(string: "--\(boundary)\r\nContent-Type: application/dicom\r\n\r\n")
    }

    static let partEnd = ByteBuffer(string: "\r\n")
    static let closing = ByteBuffer(string: "--\(boundary)--\r\n")

    /// A whole body of Part 10 files, in one buffer.
    static func body(_ files: [ByteBuffer]) -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(files.reduce(0) { $0 + $1.readableBytes + 128 })
        for file in files {
            body.writeImmutableBuffer(partHeader())
            body.writeImmutableBuffer(file)
            body.writeImmutableBuffer(partEnd)
        }
        body.writeImmutableBuffer(closing)
        return body
    }

    /// Bytes of a body of files of these sizes.
    static func length(of sizes: [Int]) -> Int {
        sizes.reduce(0) { $0 + partHeader().readableBytes + $1 + partEnd.readableBytes } + closing.readableBytes
    }
}

/// A multipart body made part by part as the upload asks for it, so that the client never
/// holds more than one instance of a body far larger than memory should be.
struct LazyMultipartBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let count: Int
    /// The `index`th file (from 0) of the body.
    let file: @Sendable (Int) throws -> ByteBuffer

    struct AsyncIterator: AsyncIteratorProtocol {
        let body: LazyMultipartBody
        var index = 0
        var closed = false

        mutating func next() async throws -> ByteBuffer? {
            if index < body.count {
                var chunk = Multipart.partHeader()
                var file = try body.file(index)
                chunk.writeBuffer(&file)
                chunk.writeImmutableBuffer(Multipart.partEnd)
                index += 1
                return chunk
            }
            guard !closed else { return nil }
            closed = true
            return Multipart.closing
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(body: self)
    }
}
