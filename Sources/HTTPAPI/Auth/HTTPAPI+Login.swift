import Hummingbird
import Logging

extension HTTPAPI {
    /// What the web UI needs to sign a user in and to know what they may do. These routes are
    /// the UI's only way in, and as open to scripts as the rest.
    func addLoginRoutes(to router: Router<Context>) {
        // Open (no credentials): which ways in exist, so that the page can offer them.
        router.get("auth/config") { _, _ in
            var members: [String: RESTJSON] = [
                "AuthenticationRequired": .bool(authentication.required),
                "Basic": .bool(authentication.users != nil),
            ]
            if let login = authentication.login {
                members["OIDC"] = .object([
                    "AuthorizationEndpoint": .string(login.authorizationEndpoint),
                    "ClientID": .string(login.clientID),
                    "Scope": .string(login.scope),
                ])
            } else {
                members["OIDC"] = .null
            }
            return RESTJSON.object(members).response()
        }
        // Behind the middleware: the caller as their credentials made them.
        router.get("auth/me") { _, _ in
            let principal = Principal.current
            return RESTJSON.object([
                "Name": .string(principal.name), "Role": .string(principal.role.description),
                "Method": .string(principal.method.rawValue),
            ]).response()
        }
        // Open: the code is the credential here, checked by the provider, and the token it
        // yields is checked like any bearer token before it is handed back.
        router.post("auth/oidc/token") { request, _ in
            guard let login = authentication.login, let verifier = authentication.oidc else {
                throw HTTPError(.notFound, message: "sign-in through OpenID Connect is not configured")
            }
            let body = try await request.body.collect(upTo: 64 << 10)
            guard let json = RESTJSON.parse(body), let code = json["code"]?.string,
                let codeVerifier = json["codeVerifier"]?.string, let redirectURI = json["redirectUri"]?.string
            else {
                throw HTTPError(.badRequest, message: "expected JSON with code, codeVerifier and redirectUri")
            }
            let idToken: String
            do {
                idToken = try await login.exchange(code, codeVerifier, redirectURI)
            } catch {
                logger.warning("OIDC code exchange refused", metadata: ["error": "\(error)"])
                throw HTTPError(.unauthorized, message: "the identity provider refused the code: \(error)")
            }
            let principal: Principal
            do {
                principal = try await verifier.verify(idToken, nonce: json["nonce"]?.string)
            } catch {
                audit.info(
                    "http access",
                    metadata: ["user": "-", "path": "/auth/oidc/token", "status": "401", "detail": "\(error)"])
                throw HTTPError(.unauthorized, message: "the identity provider's token is refused: \(error)")
            }
            audit.info(
                "signed in", metadata: ["user": "\(principal.name)", "role": "\(principal.role)", "method": "oidc"])
            return RESTJSON.object([
                "Token": .string(idToken), "Name": .string(principal.name),
                "Role": .string(principal.role.description),
            ]).response()
        }
    }
}
