import AsyncHTTPClient
import Foundation
import HTTPAPI
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The web UI's sign-in through the OIDC provider, from its discovery document: where the
/// browser is sent (`authorization_endpoint`) and where the code it brings back is traded for
/// an ID token (`token_endpoint`).
enum OIDCSignIn {
    /// Nil, with a warning, when the provider's discovery document can't be read: API clients
    /// with bearer tokens are still served (their keys may come from a file), only the UI's
    /// sign-in button is missing.
    static func login(
        source: JWKSSource, configuration: ServerConfiguration, audience: String, logger: Logger
    ) async -> OIDCLogin? {
        let clientID = configuration.oidcClientID ?? audience
        if clientID != audience {
            logger.warning(
                "the OIDC client ID is not the audience: ID tokens from the UI's sign-in will be refused",
                metadata: ["clientID": "\(clientID)", "audience": "\(audience)"])
        }
        let document: [String: Any]
        do {
            document = try await source.discovery()
        } catch {
            logger.warning(
                "OIDC sign-in for the web UI unavailable: the discovery document can't be read",
                metadata: ["error": "\(error)"])
            return nil
        }
        guard let authorization = document["authorization_endpoint"] as? String,
            let token = document["token_endpoint"] as? String
        else {
            logger.warning("OIDC sign-in for the web UI unavailable: the discovery document names no endpoints")
            return nil
        }
        let exchange = CodeExchange(
            tokenEndpoint: token, clientID: clientID, clientSecret: configuration.oidcClientSecret,
            httpClient: source.httpClient)
        return OIDCLogin(
            authorizationEndpoint: authorization, clientID: clientID, scope: configuration.oidcScope,
            exchange: { code, verifier, redirectURI in
                try await exchange.idToken(code: code, verifier: verifier, redirectURI: redirectURI)
            })
    }
}

/// The token request of the authorization code grant (RFC 6749 4.1.3, with RFC 7636's
/// `code_verifier`); a confidential client authenticates with HTTP Basic (2.3.1).
struct CodeExchange: Sendable {
    let tokenEndpoint: String
    let clientID: String
    let clientSecret: String?
    let httpClient: HTTPClient

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    func idToken(code: String, verifier: String, redirectURI: String) async throws -> String {
        var form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("code_verifier", verifier),
        ]
        var request = HTTPClientRequest(url: tokenEndpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        if let clientSecret {
            let pair = "\(clientID.percentEncodingAllButUnreserved):\(clientSecret.percentEncodingAllButUnreserved)"
            request.headers.add(name: "Authorization", value: "Basic \(Data(pair.utf8).base64EncodedString())")
        } else {
            form.append(("client_id", clientID))
        }
        request.body = .bytes(
            ByteBuffer(string: form.map { "\($0)=\($1.percentEncodingAllButUnreserved)" }.joined(separator: "&")))
        let response = try await httpClient.execute(request, timeout: .seconds(15))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object =
            (try? JSONSerialization.jsonObject(with: Data(buffer: body, byteTransferStrategy: .noCopy)))
            as? [String: Any]
        guard response.status == .ok else {
            let reason = [object?["error"] as? String, object?["error_description"] as? String]
                .compactMap { $0 }.joined(separator: ": ")
            throw Refused(description: "token endpoint answered \(response.status.code) \(reason)")
        }
        guard let idToken = object?["id_token"] as? String else {
            throw Refused(description: "the token endpoint's answer has no id_token (is openid in the scope?)")
        }
        return idToken
    }
}
