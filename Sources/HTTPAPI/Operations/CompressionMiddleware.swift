import Foundation
import Hummingbird
import NIOCore

/// gzip for JSON and XML answers (QIDO-RS, metadata, REST) when the client accepts it: they
/// shrink five to ten times. DICOM files, frames and other bulk data go as they are (their
/// compression is the transfer syntax's business, and a range or a size must stay theirs);
/// so do event streams, which must not wait in a compressor's buffer.
struct CompressionMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Bodies known to be smaller go uncompressed: the header costs more than it saves.
    let minimumSize = 512

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        guard request.method != .head, Self.acceptsGzip(request.headers[.acceptEncoding]),
            response.headers[.contentEncoding] == nil, response.status != .noContent,
            response.status != .notModified, Self.isCompressible(response.headers[.contentType]),
            (response.body.contentLength ?? .max) >= minimumSize
        else { return response }
        let body = response.body
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = nil
        response.headers[values: .vary].append("Accept-Encoding")
        // Another representation, another validator (RFC 9110 §8.8.3).
        if let etag = response.headers[.eTag], etag.hasSuffix("\"") {
            response.headers[.eTag] = String(etag.dropLast()) + "-gzip\""
        }
        response.body = ResponseBody { writer in
            guard let encoder = GzipEncoder() else { throw HTTPError(.internalServerError, message: "zlib failed") }
            try await body.write(GzipBodyWriter(parent: writer, encoder: encoder))
        }
        return response
    }

    /// `Accept-Encoding` lists gzip (or `*`) without `q=0`.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
            let refused = parts.dropFirst().contains { parameter in
                parameter.hasPrefix("q=") && Double(parameter.dropFirst(2).trimmingCharacters(in: .whitespaces)) == 0
            }
            if !refused { return true }
        }
        return false
    }

    /// JSON and XML media types, including DICOM's (`application/dicom+json`, `…+xml`).
    static func isCompressible(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType =
            contentType.split(separator: ";").first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
        return mediaType == "application/json" || mediaType == "application/xml" || mediaType == "text/xml"
            || mediaType.hasSuffix("+json") || mediaType.hasSuffix("+xml")
    }
}

/// Compresses what a body writes before it reaches the connection.
struct GzipBodyWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    let encoder: GzipEncoder

    mutating func write(_ buffer: ByteBuffer) async throws {
        let compressed = encoder.compress(buffer)
        if compressed.readableBytes > 0 { try await parent.write(compressed) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await parent.write(encoder.finish())
        try await parent.finish(trailingHeaders)
    }
}
