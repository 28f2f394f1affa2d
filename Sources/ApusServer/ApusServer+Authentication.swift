import AsyncHTTPClient
import Foundation
import HTTPAPI
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import ServiceLifecycle

extension ApusServer {
    /// The HTTP authentication the settings ask for, checked now so that a deployment that
    /// asks for credentials but names no way to log in refuses to start.
    func authentication(httpClient: HTTPClient) async throws -> (Authentication, JWKSRefresher?) {
        guard configuration.authenticationRequired else {
            if configuration.usersFile != nil || configuration.oidcIssuer != nil {
                logger.warning(
                    "users or OIDC are configured but APUS_AUTHENTICATION is none: nobody is asked to log in")
            }
            return (.none, nil)
        }
        var users: UserDirectory?
        do {
            users = try configuration.usersFile.map { path throws(AuthenticationSetupError) in
                try UserDirectory(loadingFile: path)
            }
        } catch {
            throw ConfigurationError(setting: "usersFile (APUS_USERS_FILE)", problem: error.description)
        }
        if !configuration.registeredUsers.isEmpty {
            guard users == nil else {
                throw ConfigurationError(
                    setting: "usersFile (APUS_USERS_FILE)",
                    problem: "the Orthanc configuration has RegisteredUsers: give the users in one place")
            }
            // Orthanc's users may do everything.
            users = UserDirectory(hashes: configuration.registeredUsers, role: .admin)
        }
        var oidc: OIDCVerifier?
        var refresher: JWKSRefresher?
        var login: OIDCLogin?
        if let issuer = configuration.oidcIssuer {
            guard let audience = configuration.oidcAudience else {
                throw ConfigurationError(
                    setting: "oidcAudience (APUS_OIDC_AUDIENCE)", problem: "required when an OIDC issuer is set")
            }
            let source = JWKSSource(configuration: configuration, httpClient: httpClient)
            do {
                let verifier = try await OIDCVerifier(
                    issuer: issuer, audience: audience, rolesClaim: configuration.oidcRolesClaim,
                    jwks: try await source.fetch())
                oidc = verifier
                refresher = JWKSRefresher(source: source, verifier: verifier, logger: logger)
                login = await OIDCSignIn.login(
                    source: source, configuration: configuration, audience: audience, logger: logger)
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw ConfigurationError(setting: "oidcIssuer (APUS_OIDC_ISSUER)", problem: "\(error)")
            }
        }
        do {
            let authentication = try Authentication.required(users: users, oidc: oidc, login: login)
            logger.info(
                "HTTP authentication required",
                metadata: ["basicUsers": "\(users?.count ?? 0)", "oidcIssuer": "\(configuration.oidcIssuer ?? "-")"])
            return (authentication, refresher)
        } catch {
            throw ConfigurationError(setting: "authentication (APUS_AUTHENTICATION)", problem: error.description)
        }
    }
}

/// Where the issuer's key set comes from: a file, a URL, or the issuer's discovery document.
struct JWKSSource: Sendable {
    let file: String?
    let url: String?
    let issuer: String
    let httpClient: HTTPClient

    init(configuration: ServerConfiguration, httpClient: HTTPClient) {
        self.file = configuration.oidcJWKSFile
        self.url = configuration.oidcJWKSURL
        self.issuer = configuration.oidcIssuer ?? ""
        self.httpClient = httpClient
    }

    func fetch() async throws -> String {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigurationError(
                    setting: "oidcJWKSFile (APUS_OIDC_JWKS_FILE)", problem: "\(file) can't be read")
            }
            return String(decoding: data, as: UTF8.self)
        }
        if let url { return try await get(url) }
        guard let jwksURI = try await discovery()["jwks_uri"] as? String else {
            throw ConfigurationError(
                setting: "oidcIssuer (APUS_OIDC_ISSUER)", problem: "the discovery document names no jwks_uri")
        }
        return try await get(jwksURI)
    }

    /// The issuer's `/.well-known/openid-configuration`.
    func discovery() async throws -> [String: Any] {
        let base = issuer.hasSuffix("/") ? issuer : issuer + "/"
        let document = try await get(base + ".well-known/openid-configuration")
        guard let object = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any] else {
            throw ConfigurationError(
                setting: "oidcIssuer (APUS_OIDC_ISSUER)", problem: "the discovery document is not a JSON object")
        }
        return object
    }

    private func get(_ url: String) async throws -> String {
        let response = try await httpClient.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        guard response.status == .ok else {
            throw ConfigurationError(setting: "OIDC", problem: "\(url) answered \(response.status)")
        }
        let body = try await response.body.collect(upTo: 1 << 20)
        return String(buffer: body)
    }
}

/// Follows the issuer's key rotation: the key set again every hour, for as long as the server
/// runs. A failed refresh keeps the keys already known and says so.
struct JWKSRefresher: Service {
    let source: JWKSSource
    let verifier: OIDCVerifier
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: .seconds(3600))
                do {
                    try await verifier.refresh(jwks: try await source.fetch())
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    logger.warning(
                        "OIDC key set refresh failed; keeping the known keys", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
