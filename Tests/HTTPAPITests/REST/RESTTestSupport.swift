import Archive
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// An archive with the REST API in front of it, driven without sockets.
func withREST(
    maximumInstanceSize: Int = 1 << 30, audit: Logger = Logger(label: "test.audit"),
    _ body: @escaping @Sendable (Archive, any TestClientProtocol) async throws -> Void
) async throws {
    try await withTemporaryArchive { archive in
        let api = HTTPAPI(
            archive: archive, configuration: HTTPAPI.Configuration(maximumInstanceSize: maximumInstanceSize),
            logger: Logger(label: "test"), audit: audit)
        let app = Application(router: api.router())
        try await app.test(.router) { client in try await body(archive, client) }
    }
}

extension TestClientProtocol {
    func post(_ uri: String, _ body: ByteBuffer, contentType: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: .post, headers: headers, body: body) { $0 }
    }

    func post(_ uri: String, json: String) async throws -> TestResponse {
        try await post(uri, ByteBuffer(string: json), contentType: "application/json")
    }

    func delete(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .delete) { $0 }
    }
}

extension TestResponse {
    /// The body as JSON (object, array or scalar); nil when it is not JSON.
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: .fragmentsAllowed) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var strings: [String] { json as? [String] ?? [] }
}

extension GeneratedInstance {
    var patientIdentity: PatientIdentity { PatientIdentity(patientID: patientID) }

    var ids: (patient: ResourceID, study: ResourceID, series: ResourceID, instance: ResourceID) {
        (
            .patient(patientIdentity), .study(patient: patientIdentity, studyInstanceUID: study),
            .series(patient: patientIdentity, studyInstanceUID: study, seriesInstanceUID: series),
            .instance(patient: patientIdentity, studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: sop)
        )
    }
}
