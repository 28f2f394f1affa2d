import NIOCore

/// Writes `multipart/related` bodies (RFC 2387) one part at a time, so that a response of any
/// size is streamed: the caller writes `partHeader`, the part's bytes as they come, then
/// `partEnd`, and `closing` once after the last part.
///
/// Each part opens with its delimiter (`--boundary`) and ends with CRLF, which RFC 2046 §5.1.1
/// counts as part of the next delimiter; a body with no part is the closing delimiter alone.
struct MultipartWriter: Sendable {
    let boundary: String

    init(boundary: String = MultipartWriter.makeBoundary()) {
        self.boundary = boundary
    }

    /// A boundary no DICOM content is likely to hold: 32 random hex digits behind a prefix.
    static func makeBoundary() -> String {
        let high = String(UInt64.random(in: .min ... .max), radix: 16)
        let low = String(UInt64.random(in: .min ... .max), radix: 16)
        return "apus-" + high + low
    }

    /// The response's Content-Type: `multipart/related; type="…"` and the boundary, with any
    /// further parameters (`transfer-syntax=…`) as given.
    func contentType(type: String, parameters: [String] = []) -> String {
        (["multipart/related", "type=\"\(type)\""] + parameters + ["boundary=\(boundary)"]).joined(separator: "; ")
    }

    /// The delimiter and headers of a part, up to and including the blank line.
    func partHeader(contentType: String, contentLength: Int? = nil, contentLocation: String? = nil) -> ByteBuffer {
        var header = "--\(boundary)\r\nContent-Type: \(contentType)\r\n"
        if let contentLength { header += "Content-Length: \(contentLength)\r\n" }
        if let contentLocation { header += "Content-Location: \(contentLocation)\r\n" }
        header += "\r\n"
        return ByteBuffer(string: header)
    }

    /// What follows each part's bytes.
    var partEnd: ByteBuffer { ByteBuffer(string: "\r\n") }

    /// The close delimiter, after the last part.
    var closing: ByteBuffer { ByteBuffer(string: "--\(boundary)--\r\n") }

    /// A whole part in one buffer, for parts already in memory.
    func part(_ body: ByteBuffer, contentType: String, contentLocation: String? = nil) -> ByteBuffer {
        var buffer = partHeader(
            contentType: contentType, contentLength: body.readableBytes, contentLocation: contentLocation)
        buffer.writeImmutableBuffer(body)
        buffer.writeImmutableBuffer(partEnd)
        return buffer
    }
}
