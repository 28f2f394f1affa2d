import Foundation
import NIOCore

/// The browser UI's files (web/ at the repository root), embedded in the binary by
/// scripts/generate-web-assets.py so that a release build serves them wherever it runs.
struct WebAssets: Sendable {
    struct Asset: Sendable {
        var contentType: String
        /// A strong validator of the content, computed when the file was embedded.
        var etag: String
        var bytes: ByteBuffer
    }

    /// Decoded once, at the first request for the UI.
    static let shared = WebAssets(encoded: encoded)

    let assets: [String: Asset]

    init(encoded: [String: (etag: String, base64: String)]) {
        var assets: [String: Asset] = [:]
        for (path, file) in encoded {
            let base64 = file.base64.filter { !$0.isNewline }
            guard let data = Data(base64Encoded: base64) else { continue }
            assets[path] = Asset(
                contentType: Self.contentType(of: path), etag: file.etag, bytes: ByteBuffer(bytes: data))
        }
        self.assets = assets
    }

    /// The asset at `path` under web/; nil for anything else (no file system lookup happens,
    /// so `..` or an absolute path can only miss).
    func asset(at path: String) -> Asset? {
        assets[path]
    }

    static func contentType(of path: String) -> String {
        let suffix = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch suffix {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "txt": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
