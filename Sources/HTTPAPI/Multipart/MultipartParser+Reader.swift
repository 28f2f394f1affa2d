import NIOCore

/// Reads a multipart body from an async sequence of chunks (Hummingbird's `request.body`):
/// a chunk is pulled only when the parser needs one, so memory stays at one chunk plus what
/// the caller keeps of a part.
struct MultipartReader<Body: AsyncSequence> where Body.Element == ByteBuffer {
    private var chunks: Body.AsyncIterator
    private var parser: MultipartParser
    private var ended = false

    init(body: Body, boundary: String, limits: MultipartParser.Limits = MultipartParser.Limits()) {
        chunks = body.makeAsyncIterator()
        parser = MultipartParser(boundary: boundary, limits: limits)
    }

    /// The next event; nil after the close delimiter. Throws `MultipartError` for a malformed
    /// body, and whatever the body sequence throws (a dropped connection).
    mutating func next() async throws -> MultipartParser.Event? {
        while true {
            if let event = try parser.next() { return event }
            if parser.isComplete { return nil }
            if ended {
                // The parser saw the end and asked for nothing more: it threw or completed.
                throw MultipartError.truncated
            }
            if let chunk = try await chunks.next() {
                parser.append(chunk)
            } else {
                ended = true
                parser.endInput()
            }
        }
    }

    /// The rest of the body is drained without being kept (after the close delimiter, or to
    /// read past a response that was decided early).
    mutating func drain() async throws {
        while !ended, try await chunks.next() != nil {}
        ended = true
    }
}
