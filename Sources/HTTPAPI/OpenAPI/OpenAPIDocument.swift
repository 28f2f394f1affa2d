import Foundation
import NIOCore

/// The OpenAPI 3.0 document of the HTTP API, built from `HTTPAPI.operations` once.
enum OpenAPIDocument {
    /// Open without credentials; every other operation may answer 401 and 403.
    static let openPaths: Set<String> = ["/healthz", "/readyz", "/metrics"]

    static let json: ByteBuffer = {
        let data = (try? JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys])) ?? Data("{}".utf8)
        return ByteBuffer(bytes: data)
    }()

    static func document(version: String = "0.1.0") -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for operation in HTTPAPI.operations {
            paths[operation.path, default: [:]][operation.method] = describe(operation)
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Apus",
                "version": version,
                "description": "A DICOM archive: DICOMweb (PS3.18), Orthanc-compatible REST resources, the change "
                    + "feed, DICOM peers, health and metrics.",
            ],
            "tags": ["DICOMweb", "REST", "Changes", "Modalities", "System", "Web UI"].map { ["name": $0] },
            "paths": paths,
            "components": [
                "securitySchemes": [
                    "basic": ["type": "http", "scheme": "basic"],
                    "bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT (OpenID Connect)"],
                ]
            ],
            // Credentials are needed only when the server runs with APUS_AUTHENTICATION=required.
            "security": [[String: [String]](), ["basic": []], ["bearer": []]],
        ]
    }

    private static func describe(_ operation: APIOperation) -> [String: Any] {
        var parameters: [[String: Any]] = operation.pathParameters.map { name in
            ["name": name, "in": "path", "required": true, "schema": ["type": "string"]]
        }
        for parameter in operation.parameters {
            parameters.append([
                "name": parameter.name, "in": parameter.location, "required": parameter.required,
                "description": parameter.description, "schema": ["type": parameter.type],
            ])
        }
        var responses: [String: Any] = [:]
        for answer in operation.answers {
            var response: [String: Any] = ["description": answer.description]
            if !answer.mediaTypes.isEmpty {
                response["content"] = Dictionary(uniqueKeysWithValues: answer.mediaTypes.map { ($0, [String: Any]()) })
            }
            responses[String(answer.status)] = response
        }
        if !openPaths.contains(operation.path) {
            responses["401"] = responses["401"] ?? ["description": "Credentials needed (APUS_AUTHENTICATION=required)"]
            responses["403"] = responses["403"] ?? ["description": "The user's role does not allow this"]
        }
        var described: [String: Any] = [
            "tags": [operation.tag], "summary": operation.summary, "responses": responses,
            "operationId": operationID(operation),
        ]
        if !parameters.isEmpty { described["parameters"] = parameters }
        if let body = operation.body {
            described["requestBody"] = [
                "description": body.description, "required": true,
                "content": Dictionary(uniqueKeysWithValues: body.mediaTypes.map { ($0, [String: Any]()) }),
            ]
        }
        return described
    }

    /// `getDicomWebStudiesStudySeries`: unique, from the method and path.
    private static func operationID(_ operation: APIOperation) -> String {
        let words = operation.path.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return operation.method + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
