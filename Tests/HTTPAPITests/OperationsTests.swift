import Archive
import DICOM
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// CORS, gzip and request limits: what a deployment behind a browser viewer needs.
@Suite struct OperationsTests {
    static let viewer = "https://viewer.example.org"

    static func configuration(cors: [String] = [], limits: RequestLimits = RequestLimits()) -> HTTPAPI.Configuration {
        var configuration = HTTPAPI.Configuration()
        configuration.cors = CORSPolicy(allowedOrigins: cors)
        configuration.limits = limits
        return configuration
    }

    static func withAPI(
        _ configuration: HTTPAPI.Configuration, authentication: Authentication = .none,
        _ body: @escaping @Sendable (Archive, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withTemporaryArchive { archive in
            let api = HTTPAPI(
                archive: archive, configuration: configuration, logger: Logger(label: "test"),
                authentication: authentication)
            try await Application(router: api.router()).test(.router) { client in try await body(archive, client) }
        }
    }

    @Test func corsPreflightAndAnswersForConfiguredOriginsOnly() async throws {
        let users = try AuthenticationTests.users(["reader": ("s3cret-r", "read")])
        try await Self.withAPI(
            Self.configuration(cors: [Self.viewer]),
            authentication: try .required(users: users, oidc: nil)
        ) { _, client in
            // The browser's preflight carries no credentials: it is answered before authentication.
            try await client.execute(
                uri: "/dicom-web/studies", method: .options,
                headers: [
                    .origin: Self.viewer, .accessControlRequestMethod: "GET",
                    .accessControlRequestHeaders: "authorization, accept",
                ]
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == Self.viewer)
                #expect(response.headers[.accessControlAllowMethods]?.contains("GET") == true)
                #expect(response.headers[.accessControlAllowHeaders]?.lowercased().contains("authorization") == true)
                #expect(response.headers[.accessControlMaxAge] == "600")
            }
            try await client.execute(
                uri: "/statistics", method: .get,
                headers: AuthenticationTests.basic("reader", "s3cret-r") + [.origin: Self.viewer]
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == Self.viewer)
                let exposed = response.headers[.accessControlExposeHeaders] ?? ""
                for header in ["Warning", "Content-Location", "Location", "ETag"] {
                    #expect(exposed.contains(header), "\(header) not exposed: \(exposed)")
                }
                #expect(response.headers[values: .vary].contains("Origin"))
            }
            // A refusal carries the header too, so that the page can read the 401.
            try await client.execute(uri: "/statistics", method: .get, headers: [.origin: Self.viewer]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.accessControlAllowOrigin] == Self.viewer)
            }
            // Another origin gets no CORS headers: the browser keeps the answer from its page.
            try await client.execute(
                uri: "/dicom-web/studies", method: .options,
                headers: [.origin: "https://evil.example.com", .accessControlRequestMethod: "GET"]
            ) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
        // Not configured: no CORS at all.
        try await withDICOMweb { _, client in
            try await client.execute(uri: "/system", method: .get, headers: [.origin: Self.viewer]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
        try await Self.withAPI(Self.configuration(cors: ["*"])) { _, client in
            try await client.execute(uri: "/system", method: .get, headers: [.origin: "https://any.example"]) {
                #expect($0.headers[.accessControlAllowOrigin] == "*")
            }
        }
    }

    @Test func jsonAndXMLAreGzippedWhenAcceptedBulkDataNever() async throws {
        try await withDICOMweb { archive, client in
            for index in 1...20 {
                try await GeneratedInstance(
                    series: "1.2.826.0.1.3680043.10.1.1.\(index)", sop: "1.2.826.0.1.3680043.10.1.1.\(index).1"
                ).store(in: archive)
            }
            let plain = try await client.get("/dicom-web/instances")
            #expect(plain.headers[.contentEncoding] == nil)
            let gzipped = try await client.execute(
                uri: "/dicom-web/instances", method: .get, headers: [.acceptEncoding: "br;q=1.0, gzip;q=0.8"]
            ) { $0 }
            #expect(gzipped.status == .ok)
            #expect(gzipped.headers[.contentEncoding] == "gzip")
            #expect(gzipped.headers[values: .vary].contains("Accept-Encoding"))
            let inflated = try Self.gunzip(gzipped.body)
            #expect(inflated == plain.body)
            #expect(gzipped.body.readableBytes * 4 < plain.body.readableBytes, "\(gzipped.body.readableBytes) bytes")
            // gzip refused with q=0.
            let refused = try await client.execute(
                uri: "/dicom-web/instances", method: .get, headers: [.acceptEncoding: "gzip;q=0"]
            ) { $0 }
            #expect(refused.headers[.contentEncoding] == nil)
            // The stored file (WADO-RS) and frames are bulk data: never compressed.
            let instance = GeneratedInstance()
            let path = "/dicom-web/studies/\(instance.study)/series/\(instance.series)/instances/\(instance.sop)"
            for uri in [path, path + "/frames/1"] {
                let bulk = try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip"]) { $0 }
                #expect(bulk.status == .ok, "\(uri)")
                #expect(bulk.headers[.contentEncoding] == nil, "\(uri)")
            }
            // Metadata is JSON: compressed.
            let metadata = try await client.execute(
                uri: "/dicom-web/studies/\(instance.study)/metadata", method: .get, headers: [.acceptEncoding: "gzip"]
            ) { $0 }
            #expect(metadata.headers[.contentEncoding] == "gzip")
            #expect(try Self.gunzip(metadata.body).readableBytes > metadata.body.readableBytes)
        }
    }

    @Test func oversizedBodiesGet413WithTheLimit() async throws {
        try await Self.withAPI(Self.configuration(limits: RequestLimits(maximumBodySize: 4096))) { _, client in
            let response = try await client.execute(
                uri: "/dicom-web/studies", method: .post,
                headers: [.contentType: "multipart/related; type=\"application/dicom\"; boundary=XYZ"],
                body: ByteBuffer(repeating: UInt8(ascii: "x"), count: 10_000)
            ) { $0 }
            #expect(response.status == .contentTooLarge)
            #expect(response.text.contains("4096"), "\(response.text)")
        }
    }

    /// A real socket: a chunked body larger than the limit (no Content-Length to refuse it by)
    /// gets 413; one trickling in past the body timeout gets 408.
    @Test func chunkedAndSlowBodiesGet413And408() async throws {
        try await withTemporaryArchive { archive in
            var configuration = HTTPAPI.Configuration()
            configuration.limits = RequestLimits(maximumBodySize: 64 * 1024, bodyTimeout: .seconds(1))
            let api = HTTPAPI(archive: archive, configuration: configuration, logger: Logger(label: "test"))
            try await Application(router: api.router()).test(.live) { client in
                let url = "http://127.0.0.1:\(try #require(client.port))/dicom-web/studies"
                let large = try Self.answer(try await PythonPeer.run("slow_upload.py", [url, "10", "16384", "0"]))
                #expect(large.status == 413, "\(large)")
                #expect(large.body.contains("65536"), "\(large)")
                let slow = try Self.answer(try await PythonPeer.run("slow_upload.py", [url, "6", "100", "0.4"]))
                #expect(slow.status == 408, "\(slow)")
                #expect(slow.body.contains("did not arrive within"), "\(slow)")
            }
        }
    }

    static func answer(_ result: PythonPeer.Result) throws -> (status: Int?, body: String) {
        let line = result.output.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw PeerMissing(description: "slow_upload.py printed no answer: \(result)")
        }
        return (object["status"] as? Int, object["body"] as? String ?? "")
    }

    /// The gzip member's raw deflate data: a 10-byte header (zlib writes no name) and an
    /// 8-byte trailer around it.
    static func gunzip(_ body: ByteBuffer) throws -> ByteBuffer {
        let bytes = Array(body.readableBytesView)
        try #require(bytes.count > 18 && bytes[0] == 0x1F && bytes[1] == 0x8B && bytes[3] == 0)
        return try Deflate.inflate(ByteBuffer(bytes: bytes[10..<(bytes.count - 8)]), maximumSize: 1 << 26)
    }
}

extension HTTPFields {
    static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var result = lhs
        result.append(contentsOf: rhs)
        return result
    }
}
