/// Which web pages on other origins may call the API from a browser (a viewer such as OHIF
/// served from its own host). Empty: none, the browser's same-origin rule stands.
public struct CORSPolicy: Sendable, Hashable {
    /// `https://viewer.example.org`, …; `*` allows any origin.
    public var allowedOrigins: [String]
    /// How long a browser may cache a preflight answer.
    public var maximumAge: Duration

    public init(allowedOrigins: [String] = [], maximumAge: Duration = .seconds(600)) {
        self.allowedOrigins = allowedOrigins
        self.maximumAge = maximumAge
    }

    public var isEnabled: Bool { !allowedOrigins.isEmpty }
    var allowsAnyOrigin: Bool { allowedOrigins.contains("*") }
}
