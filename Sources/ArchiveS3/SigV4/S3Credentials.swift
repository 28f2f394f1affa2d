/// An access key pair, and the session token that temporary credentials (STS, instance
/// roles) come with.
public struct S3Credentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Never the secret: configurations and errors get printed.
    public var description: String {
        "S3Credentials(\(accessKeyID), secret: ***\(sessionToken == nil ? "" : ", session token: ***"))"
    }
}
