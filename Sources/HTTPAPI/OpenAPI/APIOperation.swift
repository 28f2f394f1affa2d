/// One operation of the HTTP API as the OpenAPI document describes it. The list of them
/// (`HTTPAPI.operations`) is the route table a test holds against the router.
struct APIOperation: Sendable {
    struct Parameter: Sendable {
        var name: String
        var location = "query"
        var description: String
        var type = "string"
        var required = false
    }

    struct Answer: Sendable {
        var status: Int
        var description: String
        var mediaTypes: [String] = []
    }

    var method: String
    /// `/dicom-web/studies/{study}`: path parameters in braces.
    var path: String
    var tag: String
    var summary: String
    var parameters: [Parameter] = []
    /// The request body's media types and what it holds.
    var body: (mediaTypes: [String], description: String)?
    var answers: [Answer]

    /// The names in braces, each a required path parameter.
    var pathParameters: [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }
}

extension APIOperation.Answer {
    static func json(_ description: String, _ status: Int = 200) -> Self {
        Self(status: status, description: description, mediaTypes: ["application/json"])
    }

    static func dicomJSON(_ description: String) -> Self {
        Self(status: 200, description: description, mediaTypes: ["application/dicom+json"])
    }

    static func text(_ status: Int, _ description: String) -> Self {
        Self(status: status, description: description, mediaTypes: ["text/plain"])
    }

    static func error(_ status: Int, _ description: String) -> Self {
        Self(status: status, description: description, mediaTypes: ["application/json"])
    }
}
