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
