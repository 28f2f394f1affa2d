import Hummingbird
import NIOCore

/// A refused REST request, answered as Orthanc answers one: a JSON object whose `Message` is
/// the kind of error and `Details` the reason in words, with the method and URI. Unknown ids
/// are 404s like Orthanc's, with the same object (Orthanc's body is empty).
struct RESTError: Error, HTTPResponseError, CustomStringConvertible {
    let status: HTTPResponse.Status
    let details: String

    static func notFound(_ details: String) -> RESTError { RESTError(status: .notFound, details: details) }
    static func badRequest(_ details: String) -> RESTError { RESTError(status: .badRequest, details: details) }

    var description: String { "\(status.code) \(details)" }

    /// Orthanc's names for the kinds of error the REST routes give.
    private var message: String {
        switch status {
        case .notFound: "Unknown resource"
        case .badRequest: "Bad request"
        case .contentTooLarge: "Request entity too large"
        default: status.reasonPhrase
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        RESTJSON.object([
            "HttpError": .string(status.reasonPhrase),
            "HttpStatus": .int(status.code),
            "Message": .string(message),
            "Details": .string(details),
            "Method": .string(request.method.rawValue),
            "Uri": .string(request.uri.path),
        ]).response(status: status)
    }
}
