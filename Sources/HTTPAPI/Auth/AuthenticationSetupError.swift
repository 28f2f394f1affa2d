/// Authentication settings that can't work, said in words for the operator.
public struct AuthenticationSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
