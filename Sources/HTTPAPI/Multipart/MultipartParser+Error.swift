/// Why a multipart body (RFC 2046 §5.1) could not be read. Each case says what the client
/// sent wrong; the HTTP status that answers it is `httpStatusCode`.
enum MultipartError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The Content-Type has no `boundary` parameter.
    case missingBoundary
    /// The `boundary` parameter breaks RFC 2046 §5.1.1.
    case invalidBoundary(String)
    /// The body ended before the first boundary delimiter: an empty body or a wrong boundary.
    case noDelimiter
    /// The body ended inside a part or before the close delimiter `--boundary--`.
    case truncated
    /// A part's header section is longer than the limit.
    case headersTooLong(limit: Int)
    /// A header line without a colon.
    case malformedHeader(String)
    /// A part's body is longer than the limit.
    case partTooLarge(limit: Int)

    var description: String {
        switch self {
        case .missingBoundary: "the Content-Type has no boundary parameter"
        case .invalidBoundary(let boundary): "invalid multipart boundary '\(boundary)'"
        case .noDelimiter: "no multipart boundary delimiter in the body (empty body or wrong boundary)"
        case .truncated: "the multipart body ends before its closing boundary delimiter (truncated)"
        case .headersTooLong(let limit): "a part's headers are longer than \(limit) bytes"
        case .malformedHeader(let line): "malformed part header '\(line.prefix(80))'"
        case .partTooLarge(let limit): "a part is larger than the limit of \(limit) bytes"
        }
    }

    /// 413 for a part over the size limit, 400 (malformed request) for the rest.
    var httpStatusCode: Int {
        switch self {
        case .partTooLarge: 413
        default: 400
        }
    }
}
