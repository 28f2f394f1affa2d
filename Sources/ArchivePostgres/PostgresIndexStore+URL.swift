import Foundation
import PostgresNIO

extension PostgresIndexStore.Configuration {
    /// The connection a libpq-style URL describes:
    /// `postgres://user:password@host:port/database?sslmode=require`. `sslmode` is `disable`,
    /// `prefer` (the default, as libpq's), `require` (TLS, certificate not checked, as
    /// libpq's), `verify-ca` (certificate checked, not the host name) or `verify-full`; with
    /// `sslrootcert=FILE` the certificates checked against are that file's. Percent-escapes
    /// in user and password are decoded. `connect_timeout=SECONDS` (libpq's name) bounds the
    /// wait for the database at start (15 s); `pool_wait=SECONDS`, Apus's own, how long one
    /// operation waits for a connection of the pool before it fails (2 s).
    public init(url text: String) throws(PostgresURLError) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw PostgresURLError("'\(Self.redacted(text))' is not a postgres://user:password@host:port/database URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresURLError("the URL names no host")
        }
        guard let user = components.percentEncodedUser, !user.isEmpty else {
            throw PostgresURLError("the URL names no user (postgres://USER:password@host/database)")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw PostgresURLError("port \(port) is out of range") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let parameters = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let rootCertificate = parameters["sslrootcert"] {
            guard FileManager.default.isReadableFile(atPath: rootCertificate) else {
                throw PostgresURLError("sslrootcert '\(rootCertificate)' cannot be read")
            }
            tlsConfiguration.trustRoots = .file(rootCertificate)
        }
        let tls: PostgresClient.Configuration.TLS
        switch parameters["sslmode"] ?? "prefer" {
        case "disable":
            tls = .disable
        case "allow", "prefer":
            tlsConfiguration.certificateVerification = .none
            tls = .prefer(tlsConfiguration)
        case "require":
            tlsConfiguration.certificateVerification = .none
            tls = .require(tlsConfiguration)
        case "verify-ca":
            tlsConfiguration.certificateVerification = .noHostnameVerification
            tls = .require(tlsConfiguration)
        case "verify-full":
            tlsConfiguration.certificateVerification = .fullVerification
            tls = .require(tlsConfiguration)
        case let other:
            throw PostgresURLError(
                "sslmode '\(other)' is not one of disable, allow, prefer, require, verify-ca, verify-full")
        }
        // Decoded once, from the text as written: `user` and `password` of URLComponents are
        // decoded already, and decoding those again turns a password's `%41` into `A`.
        let username = user.removingPercentEncoding ?? user
        let password = components.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 }
        let client = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password,
            database: database.isEmpty ? nil : database, tls: tls)
        self.init(client: client)
        if let value = parameters["connect_timeout"] { connectTimeout = try Self.seconds(value, "connect_timeout") }
        if let value = parameters["pool_wait"] { connectionWait = try Self.seconds(value, "pool_wait") }
        let probeTLS: PostgresConnection.Configuration.TLS
        do {
            switch parameters["sslmode"] ?? "prefer" {
            case "disable": probeTLS = .disable
            case "allow", "prefer": probeTLS = .prefer(try NIOSSLContext(configuration: tlsConfiguration))
            default: probeTLS = .require(try NIOSSLContext(configuration: tlsConfiguration))
            }
        } catch {
            throw PostgresURLError("the TLS settings can't be used: \(error)")
        }
        probe = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password,
            database: database.isEmpty ? nil : database, tls: probeTLS)
    }

    /// A positive number of seconds (decimals allowed), up to an hour.
    private static func seconds(_ text: String, _ name: String) throws(PostgresURLError) -> Duration {
        guard let value = Double(text), value > 0, value <= 3_600 else {
            throw PostgresURLError("\(name) '\(text)' is not a number of seconds between 0 and 3600")
        }
        return .milliseconds(Int64((value * 1_000).rounded(.up)))
    }

    /// The URL with its password replaced, for messages and logs.
    public static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "(unreadable URL)"
    }
}

/// A database URL that can't be used, and why.
public struct PostgresURLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problem: String

    public init(_ problem: String) { self.problem = problem }

    public var description: String { problem }
}
