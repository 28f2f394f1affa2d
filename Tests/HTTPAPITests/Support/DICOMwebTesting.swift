import Archive
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// An archive with the HTTP API in front of it, driven without sockets.
func withDICOMweb(
    configuration: Archive.Configuration = Archive.Configuration(),
    _ body: @escaping @Sendable (Archive, any TestClientProtocol) async throws -> Void
) async throws {
    try await withTemporaryArchive(configuration: configuration) { archive in
        let api = HTTPAPI(archive: archive, logger: Logger(label: "test"))
        let app = Application(router: api.router())
        try await app.test(.router) { client in try await body(archive, client) }
    }
}

extension TestClientProtocol {
    /// GET, with an Accept header when given; the response as received.
    func get(_ uri: String, accept: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let accept { headers[.accept] = accept }
        return try await execute(uri: uri, method: .get, headers: headers) { $0 }
    }
}

extension TestResponse {
    /// The body as a JSON array of objects (QIDO-RS, metadata).
    var jsonArray: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [[String: Any]] ?? []
    }

    var text: String { String(buffer: body) }
}

/// The first value of an attribute of a DICOM JSON object.
func firstValue(_ object: [String: Any], _ tag: String) -> Any? {
    ((object[tag] as? [String: Any])?["Value"] as? [Any])?.first
}

extension HTTPField.Name {
    static let warning = HTTPField.Name("Warning")!
}
