import HTTPTypes
import Hummingbird

/// The refusals of the DICOMweb routes, each with the reason the client reads in the body.
enum DICOMwebError {
    static func notFound(_ what: String) -> HTTPError {
        HTTPError(.notFound, message: what)
    }

    static func badRequest(_ reason: String) -> HTTPError {
        HTTPError(.badRequest, message: reason)
    }

    static func notAcceptable(_ reason: String) -> HTTPError {
        HTTPError(.notAcceptable, message: reason)
    }

    /// A `Warning` header value (RFC 7234 §5.5, as PS3.18 8.3.3.2 uses it): code 299,
    /// the agent, the quoted text.
    static func warning(_ text: String) -> String {
        "299 Apus \"\(text.replacingQuotes())\""
    }

    /// One `Warning` header field per text (HTTPTypes has no constant for the name).
    static func warningFields(_ texts: [String]) -> [HTTPField] {
        guard let name = HTTPField.Name("Warning") else { return [] }
        return texts.map { HTTPField(name: name, value: warning($0)) }
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        String(map { $0 == "\"" ? "'" : $0 })
    }
}
