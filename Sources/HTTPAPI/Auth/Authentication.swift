/// How the HTTP side checks who calls it.
public struct Authentication: Sendable {
    /// Off: every request is served, as on Orthanc with `AuthenticationEnabled: false`; only
    /// safe when the port is reachable from loopback or a trusted proxy alone.
    public static let none = Authentication(users: nil, oidc: nil, required: false)

    public let users: UserDirectory?
    public let oidc: OIDCVerifier?
    public let required: Bool

    /// Credentials required, checked against `users` (HTTP Basic) and/or `oidc` (bearer
    /// tokens); at least one must be given, or nobody could ever log in.
    public static func required(users: UserDirectory?, oidc: OIDCVerifier?) throws(AuthenticationSetupError)
        -> Authentication
    {
        guard users != nil || oidc != nil else {
            throw AuthenticationSetupError(
                "authentication is required but no users file (APUS_USERS_FILE) or OIDC issuer (APUS_OIDC_ISSUER) is set"
            )
        }
        return Authentication(users: users, oidc: oidc, required: true)
    }

    private init(users: UserDirectory?, oidc: OIDCVerifier?, required: Bool) {
        self.users = users
        self.oidc = oidc
        self.required = required
    }

    /// What `WWW-Authenticate` offers on a 401: the schemes that could succeed.
    var challenge: String {
        var schemes: [String] = []
        if users != nil { schemes.append(#"Basic realm="Apus", charset="UTF-8""#) }
        if oidc != nil { schemes.append(#"Bearer realm="Apus""#) }
        return schemes.joined(separator: ", ")
    }
}
