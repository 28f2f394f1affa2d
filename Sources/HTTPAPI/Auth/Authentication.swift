/// How the HTTP side checks who calls it.
public struct Authentication: Sendable {
    /// Off: every request is served, as on Orthanc with `AuthenticationEnabled: false`; only
    /// safe when the port is reachable from loopback or a trusted proxy alone.
    public static let none = Authentication(users: nil, oidc: nil, login: nil, required: false)

    public let users: UserDirectory?
    public let oidc: OIDCVerifier?
    /// The web UI's sign-in through the OIDC provider; nil when only API clients bring tokens.
    public let login: OIDCLogin?
    public let required: Bool

    /// Credentials required, checked against `users` (HTTP Basic) and/or `oidc` (bearer
    /// tokens); at least one must be given, or nobody could ever log in.
    public static func required(
        users: UserDirectory?, oidc: OIDCVerifier?, login: OIDCLogin? = nil
    ) throws(AuthenticationSetupError) -> Authentication {
        guard users != nil || oidc != nil else {
            throw AuthenticationSetupError(
                "authentication is required but no users file (APUS_USERS_FILE) or OIDC issuer (APUS_OIDC_ISSUER) is set"
            )
        }
        return Authentication(users: users, oidc: oidc, login: oidc == nil ? nil : login, required: true)
    }

    private init(users: UserDirectory?, oidc: OIDCVerifier?, login: OIDCLogin?, required: Bool) {
        self.users = users
        self.oidc = oidc
        self.login = login
        self.required = required
    }

    /// What `WWW-Authenticate` offers on a 401: the schemes that could succeed. The web UI
    /// (its requests say `X-Requested-With: XMLHttpRequest`) asks for credentials with its own
    /// form, so it is not offered Basic, which would make the browser open its login dialog.
    func challenge(forScript script: Bool) -> String {
        var schemes: [String] = []
        if users != nil {
            schemes.append(script ? #"FormBased realm="Apus""# : #"Basic realm="Apus", charset="UTF-8""#)
        }
        if oidc != nil { schemes.append(#"Bearer realm="Apus""#) }
        return schemes.joined(separator: ", ")
    }
}
