import Foundation
import JWTKit

/// Checks OpenID Connect bearer tokens: the signature against the issuer's JWKS, then issuer,
/// audience, expiry and not-before; the role comes from a claim (`roles` by default, a list of
/// names such as `apus-write`, or one string), the highest one that names a role.
public struct OIDCVerifier: Sendable {
    public let issuer: String
    public let audience: String
    public let rolesClaim: String
    private let keys: JWTKeyCollection

    public init(issuer: String, audience: String, rolesClaim: String = "roles", jwks: String)
        async throws(AuthenticationSetupError)
    {
        self.issuer = issuer
        self.audience = audience
        self.rolesClaim = rolesClaim
        do {
            self.keys = try await JWTKeyCollection().add(jwksJSON: jwks)
        } catch {
            throw AuthenticationSetupError("OIDC key set (JWKS) unusable: \(error)")
        }
    }

    /// Adds the keys of a fresh copy of the issuer's key set (providers publish new keys
    /// before they sign with them, so a periodic refresh follows their rotation).
    public func refresh(jwks: String) async throws {
        try await keys.add(jwksJSON: jwks)
    }

    /// The token's user and role; throws why it is refused. `nonce`, when given, must be the
    /// token's (the value a sign-in sent to the provider, so that a replayed token is refused).
    public func verify(_ token: String, nonce: String? = nil) async throws -> Principal {
        let payload = try await keys.verify(token, as: OIDCClaims.self)
        guard payload.iss.value == issuer else { throw OIDCRefusal("issuer \(payload.iss.value) is not \(issuer)") }
        guard payload.aud.value.contains(audience) else { throw OIDCRefusal("token not issued for \(audience)") }
        if let nonce {
            guard case .string(nonce) = payload.claims["nonce"] else {
                throw OIDCRefusal("the token's nonce is not the sign-in's")
            }
        }
        let names = payload.roles(claim: rolesClaim)
        guard let role = names.compactMap(Role.init(name:)).max() else {
            throw OIDCRefusal("token grants no Apus role in claim '\(rolesClaim)'")
        }
        let name = payload.preferredUsername ?? payload.sub.value
        return Principal(name: name, role: role, method: .bearer)
    }
}

/// Why a bearer token was refused (said in the 401's log line, not to the client).
struct OIDCRefusal: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The claims Apus reads from an ID or access token. Role claims vary by provider (Keycloak,
/// Entra ID, Dex…), so they are read by name from the raw payload.
struct OIDCClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim?
    var preferredUsername: String?
    var claims: [String: ClaimValue]

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, nbf
        case preferredUsername = "preferred_username"
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A claim's value when it is a string or a list of strings; anything else is ignored.
    enum ClaimValue: Codable, Sendable {
        case string(String)
        case strings([String])
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                self = .string(string)
            } else if let strings = try? container.decode([String].self) {
                self = .strings(strings)
            } else {
                self = .other
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let string): try container.encode(string)
            case .strings(let strings): try container.encode(strings)
            case .other: try container.encodeNil()
            }
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decode(IssuerClaim.self, forKey: .iss)
        sub = try container.decode(SubjectClaim.self, forKey: .sub)
        aud = try container.decode(AudienceClaim.self, forKey: .aud)
        exp = try container.decode(ExpirationClaim.self, forKey: .exp)
        nbf = try container.decodeIfPresent(NotBeforeClaim.self, forKey: .nbf)
        preferredUsername = try container.decodeIfPresent(String.self, forKey: .preferredUsername)
        let all = try decoder.container(keyedBy: AnyKey.self)
        var claims: [String: ClaimValue] = [:]
        for key in all.allKeys where CodingKeys(rawValue: key.stringValue) == nil {
            claims[key.stringValue] = try? all.decode(ClaimValue.self, forKey: key)
        }
        self.claims = claims
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(iss, forKey: .iss)
        try container.encode(sub, forKey: .sub)
        try container.encode(aud, forKey: .aud)
        try container.encode(exp, forKey: .exp)
        try container.encodeIfPresent(nbf, forKey: .nbf)
        try container.encodeIfPresent(preferredUsername, forKey: .preferredUsername)
        var all = encoder.container(keyedBy: AnyKey.self)
        for (name, value) in claims { try all.encode(value, forKey: AnyKey(stringValue: name)) }
    }

    func verify(using algorithm: some JWTAlgorithm) throws {
        try exp.verifyNotExpired()
        try nbf?.verifyNotBefore()
    }

    /// Role names under `claim`: a list (Entra ID's and Keycloak's `roles` mappers) or one
    /// space-separated string (a `scope`-like claim).
    func roles(claim: String) -> [String] {
        switch claims[claim] {
        case .string(let string): string.split(separator: " ").map(String.init)
        case .strings(let strings): strings
        case .other, nil: []
        }
    }
}
