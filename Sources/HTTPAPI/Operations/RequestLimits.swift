/// Bounds on what one request may send, so that a client can't hold the server's memory or a
/// connection for ever. Each is answered with its status and the limit in words.
public struct RequestLimits: Sendable, Hashable {
    /// A request body may not be larger (413). Nil: no limit but those of each route (STOW-RS
    /// parts, JSON bodies).
    public var maximumBodySize: Int?
    /// The whole request body must arrive within this (408): a client trickling bytes can't
    /// hold a connection. Stalled connections are closed after `idleTimeout`.
    public var bodyTimeout: Duration?
    /// A connection that sends nothing for this long while a request is read, or between
    /// requests, is closed.
    public var idleTimeout: Duration?

    public init(maximumBodySize: Int? = nil, bodyTimeout: Duration? = nil, idleTimeout: Duration? = nil) {
        self.maximumBodySize = maximumBodySize
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
    }
}
