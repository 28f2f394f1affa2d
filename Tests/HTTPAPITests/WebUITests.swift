import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import HTTPAPI

/// The UI's files as `apus serve` serves them: embedded (so that a binary copied anywhere
/// serves the same page) and identical to web/, which is what people edit.
@Suite struct WebUIAssetTests {
    static let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("web")

    static func webFiles() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let root = web.standardizedFileURL.path
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        for case let relative as String in enumerator {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                !(relative as NSString).lastPathComponent.hasPrefix(".")
            else { continue }
            files[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return files
    }

    @Test func embeddedCopyMatchesWebFolder() throws {
        let files = try Self.webFiles()
        let embedded = WebAssets.shared.assets
        #expect(files.count > 5)
        #expect(
            Set(embedded.keys) == Set(files.keys),
            "web/ and the embedded copy differ: run python3 scripts/generate-web-assets.py")
        for (path, data) in files {
            let asset = try #require(
                embedded[path], "\(path) is not embedded: run python3 scripts/generate-web-assets.py")
            #expect(
                Data(asset.bytes.readableBytesView) == data,
                "\(path) changed: run python3 scripts/generate-web-assets.py")
        }
    }

    @Test func everyModuleImportResolvesToAnEmbeddedFile() throws {
        let assets = WebAssets.shared.assets
        let pattern = try NSRegularExpression(pattern: #"(?:from|import\()\s*'(\.[^']+)'"#)
        var imports = 0
        for (path, asset) in assets where path.hasSuffix(".js") {
            let source = String(buffer: asset.bytes)
            for match in pattern.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                guard let range = Range(match.range(at: 1), in: source) else { continue }
                imports += 1
                let target = Self.resolve(String(source[range]), from: path)
                #expect(assets[target] != nil, "\(path) imports \(source[range]) (\(target)), which is not in web/")
            }
        }
        #expect(imports > 10)
    }

    /// `relative` as imported by the module at `path`, both under web/.
    static func resolve(_ relative: String, from path: String) -> String {
        var components = path.split(separator: "/").dropLast().map(String.init)
        for component in relative.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(String(component))
            }
        }
        return components.joined(separator: "/")
    }
}

@Suite struct WebUIRouteTests {
    @Test func pagesAreServedWithTypesAndValidators() async throws {
        try await withTemporaryArchive { archive in
            let app = Application(router: HTTPAPI(archive: archive, logger: Logger(label: "test")).router())
            try await app.test(.router) { client in
                var etag = ""
                try await client.execute(uri: "/ui/", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(response.headers[.cacheControl] == "no-cache")
                    etag = response.headers[.eTag] ?? ""
                    #expect(String(buffer: response.body).contains(#"<base href="/ui/">"#))
                }
                #expect(etag.hasPrefix("\"") && etag.count > 10)
                try await client.execute(uri: "/ui/", method: .get, headers: [.ifNoneMatch: etag]) { response in
                    #expect(response.status == .notModified)
                    #expect(response.body.readableBytes == 0)
                }
                try await client.execute(uri: "/ui/js/app.js", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                }
                try await client.execute(uri: "/ui/css/app.css", method: .get) { response in
                    #expect(response.headers[.contentType] == "text/css; charset=utf-8")
                }
                try await client.execute(uri: "/ui/favicon.svg", method: .get) { response in
                    #expect(response.headers[.contentType] == "image/svg+xml")
                }
                for uri in ["/", "/ui"] {
                    try await client.execute(uri: uri, method: .get) { response in
                        #expect(response.status == .found)
                        #expect(response.headers[.location] == "/ui/")
                    }
                }
                try await client.execute(uri: "/app/explorer.html", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains(#"<script type="module" src="js/app.js">"#))
                }
                for uri in ["/ui/missing.js", "/ui/../Package.swift", "/ui/%2e%2e/README.md", "/ui/js/"] {
                    try await client.execute(uri: uri, method: .get) { response in
                        #expect(response.status == .notFound, "\(uri)")
                    }
                }
            }
        }
    }
}
