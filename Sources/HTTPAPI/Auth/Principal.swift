/// Who made a request, once their credentials are checked.
public struct Principal: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable {
        case basic
        case bearer
        /// Authentication is off: every request acts as this anonymous administrator.
        case none
    }

    public var name: String
    public var role: Role
    public var method: Method

    public init(name: String, role: Role, method: Method) {
        self.name = name
        self.role = role
        self.method = method
    }
}

extension Principal {
    /// Who the request being served comes from, set by the authentication middleware for the
    /// routes behind it.
    @TaskLocal public static var current = Principal(name: "anonymous", role: .read, method: .none)
}
