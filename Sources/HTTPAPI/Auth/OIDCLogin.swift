/// The browser's way in through OpenID Connect: where the web UI sends a user to sign in
/// (the authorization code flow with PKCE, RFC 7636) and the exchange of the code it brings
/// back for an ID token. The exchange runs on the server because providers seldom allow
/// cross-origin token requests from a page, and because a confidential client's secret must
/// stay out of the browser.
public struct OIDCLogin: Sendable {
    /// The provider's `authorization_endpoint`, from its discovery document.
    public let authorizationEndpoint: String
    public let clientID: String
    public let scope: String
    /// Trades an authorization code for the provider's ID token (a JWT); throws why the
    /// provider refused.
    public let exchange: @Sendable (_ code: String, _ verifier: String, _ redirectURI: String) async throws -> String

    public init(
        authorizationEndpoint: String, clientID: String, scope: String,
        exchange: @escaping @Sendable (_ code: String, _ verifier: String, _ redirectURI: String) async throws -> String
    ) {
        self.authorizationEndpoint = authorizationEndpoint
        self.clientID = clientID
        self.scope = scope
        self.exchange = exchange
    }
}
