public import Archive
import ArchivePostgres
import Foundation

/// What `apus serve` runs with: defaults that work with no configuration at all (SQLite and
/// files under `./apus-data`, DICOM on port 4242 as `APUS`), a JSON file over them, and
/// `APUS_*` environment variables over that — the order container platforms expect.
public struct ServerConfiguration: Sendable, Equatable {
    /// What `/system` calls this archive (Orthanc's `Name`).
    public var name = "Apus"
    public var aeTitle = "APUS"
    public var dicomHost = "0.0.0.0"
    public var dicomPort = 4242
    /// Plain DICOM on `dicomPort`; off to take DICOM over TLS only (Orthanc's DicomTlsEnabled).
    public var servesPlainDICOM = true
    /// Files written past the page cache (`O_DIRECT`) where the filesystem allows it; off
    /// keeps a study just stored in the cache for its first read (or suits a filesystem
    /// where direct I/O is slow).
    public var directWrites = true
    /// Unset: all interfaces when authentication is required, loopback when it is off, so
    /// that no configuration at all never exposes the archive's HTTP side to the network.
    public var httpHost: String?
    /// DICOMweb, REST, health and metrics (8042, as Orthanc).
    public var httpPort = 8042
    /// Files and, unless `databasePath` says otherwise, the SQLite index live here.
    public var dataDirectory = "./apus-data"
    public var databasePath: String?
    /// The PostgreSQL index, as `postgres://user:password@host:port/database?sslmode=…`;
    /// when set, it replaces the SQLite file (files stay in the data directory).
    public var databaseURL: String?
    public var duplicatePolicy = DuplicatePolicy.keep
    /// Calling AE titles allowed to associate; nil allows any.
    public var allowedCallingAETitles: [String]?
    /// Answer to any called AE title, not only `aeTitle` (some modalities can't be configured).
    public var acceptsAnyCalledAETitle = false
    public var maximumAssociations = 64
    /// C-STOREs one association may have under way at once when its peer proposes an
    /// asynchronous operations window (PS3.7 D.3.3.3); 1 grants none.
    public var dicomOperationsWindow = 16
    public var maximumPDULength = 131_072
    /// C-STORE data sets are held in memory while they are parsed and indexed: this bounds one.
    public var maximumInstanceSize = 1 << 30
    public var logLevel = "info"
    /// HTTP credentials: `none` (the default: serve anyone who reaches the port, which is
    /// why HTTP then listens on loopback unless `httpHost` says otherwise) or `required`.
    public var authenticationRequired = false
    /// JSON users for HTTP Basic, passwords as bcrypt hashes.
    public var usersFile: String?
    /// OpenID Connect: bearer tokens from this issuer, for this audience.
    public var oidcIssuer: String?
    public var oidcAudience: String?
    /// Where the issuer's keys are: a file (a Secret mount), or a URL; discovered from the
    /// issuer's `/.well-known/openid-configuration` when neither is set.
    public var oidcJWKSFile: String?
    public var oidcJWKSURL: String?
    public var oidcRolesClaim = "roles"
    /// The web UI's sign-in through the provider: its client ID (the ID token's audience, so
    /// `oidcAudience` when unset), a secret for a confidential client, and the scopes asked for.
    public var oidcClientID: String?
    public var oidcClientSecret: String?
    public var oidcScope = "openid profile email"
    /// The Storage SCPs a C-MOVE may send to, by AE title (the Move Destination).
    public var peers: [String: Peer] = [:]
    /// The calling AE titles admitted, each from its hosts and (over TLS) with its certificate;
    /// nil admits any (subject to `allowedCallingAETitles`).
    public var peerAccess: [PeerAccessRule]?
    /// HTTP Basic users from an Orthanc file's RegisteredUsers: name and bcrypt hash of the
    /// password (the plain text is never kept). They have the admin role, as in Orthanc.
    public var registeredUsers: [String: String] = [:]
    /// Keys of the configuration file that mean nothing to Apus, logged at start in one line.
    public var ignoredSettings: [String] = []
    /// What the configuration does that the operator must hear about at every start.
    public var startupWarnings: [String] = []
    /// DICOM over TLS on its own port (11112 by convention); nil: no TLS listener.
    public var dicomTLSPort: Int?
    /// HTTPS on its own port (8443 in the manifests) with the same certificate files; nil: none.
    public var httpsPort: Int?
    /// PEM certificate chain and key of the TLS listener (a Kubernetes Secret's tls.crt, tls.key).
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?
    /// PEM CA bundle that DICOM peers' client certificates must chain to.
    public var tlsCAFile: String?
    /// Require a client certificate signed by `tlsCAFile` (mutual TLS); nil: whether a CA file is given.
    public var dicomTLSVerifyPeer: Bool?
    /// How often the certificate files are checked for a rotated certificate.
    public var tlsReloadInterval: Duration = .seconds(10)
    /// Where blobs go: files under the data directory, or an S3 bucket.
    public var storage = StorageSetting.files
    /// S3 credentials; when absent, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
    public var s3AccessKeyID: String?
    public var s3SecretAccessKey: String?
    /// Origins whose pages may call the HTTP API from a browser (CORS); `*` for any.
    public var corsOrigins: [String] = []
    /// An HTTP request body may not be larger (413); nil: only each route's own limits.
    public var maximumRequestSize: Int?
    /// An HTTP request body must arrive within this (408).
    public var httpRequestTimeout: Duration? = .seconds(3600)
    /// An HTTP connection silent this long while a request is read, or between requests, is closed.
    public var httpIdleTimeout: Duration? = .seconds(120)
    /// Attributes indexed beyond the built-in ones, each at one level (`ExtraAttributes`).
    public var extraIndexedAttributes: [IndexedAttribute] = []
    /// The standard AWS variables (`awsVariables`) as they were at load time, for what an
    /// `s3://` storage setting leaves out.
    public var awsEnvironment: [String: String] = [:]

    /// A DICOM peer we connect to.
    public struct Peer: Sendable, Equatable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    public init() {}

    /// Where HTTP listens: `httpHost`, or the secure default for the authentication setting.
    public var resolvedHTTPHost: String {
        httpHost ?? (authenticationRequired ? "0.0.0.0" : "127.0.0.1")
    }

    /// The SQLite file: `databasePath`, or `index.sqlite` in the data directory.
    public var resolvedDatabasePath: String {
        databasePath ?? dataDirectory + "/index.sqlite"
    }

    /// Defaults, then the JSON file if given, then the environment.
    public static func load(file: String?, environment: [String: String]) throws(ConfigurationError)
        -> ServerConfiguration
    {
        var configuration = ServerConfiguration()
        if let file {
            let settings = try ConfigurationFile.read(file, environment: environment)
            if OrthancConfiguration.isOrthanc(settings) {
                var orthanc = OrthancConfiguration(object: settings, file: file)
                try orthanc.apply(to: &configuration)
            } else {
                for (key, value) in settings {
                    let source = "\(file): \(key)"
                    let text: String
                    switch key {
                    case "peers": text = try peersText(value, source: source)
                    case "peerAccess": text = try PeerAccessRule.text(ofJSON: value, source: source)
                    case "extraIndexedTags": text = try extraIndexedTagsText(value, source: source)
                    default: text = "\(value)"
                    }
                    try configuration.apply(key: key, value: text, source: source)
                }
            }
        }
        for (name, key) in environmentNames {
            if let value = environment[name] {
                try configuration.apply(key: key, value: value, source: name)
            }
        }
        configuration.awsEnvironment = environment.filter { awsVariables.contains($0.key) && !$0.value.isEmpty }
        return configuration
    }

    /// `APUS_*` variables and the configuration file keys they override.
    static let environmentNames: [(String, String)] = [
        ("APUS_NAME", "name"), ("APUS_PLAIN_DICOM", "plainDICOM"), ("APUS_PEER_ACCESS", "peerAccess"),
        ("APUS_DIRECT_WRITES", "directWrites"),
        ("APUS_AE_TITLE", "aeTitle"), ("APUS_DICOM_HOST", "dicomHost"), ("APUS_DICOM_PORT", "dicomPort"),
        ("APUS_HTTP_HOST", "httpHost"), ("APUS_HTTP_PORT", "httpPort"),
        ("APUS_DATA_DIR", "dataDirectory"), ("APUS_DATABASE_PATH", "databasePath"),
        ("APUS_DATABASE_URL", "databaseURL"),
        ("APUS_DUPLICATE_POLICY", "duplicatePolicy"), ("APUS_ALLOWED_CALLING_AE_TITLES", "allowedCallingAETitles"),
        ("APUS_ACCEPT_ANY_CALLED_AE_TITLE", "acceptsAnyCalledAETitle"),
        ("APUS_MAX_ASSOCIATIONS", "maximumAssociations"), ("APUS_MAX_PDU_LENGTH", "maximumPDULength"),
        ("APUS_DICOM_OPERATIONS_WINDOW", "dicomOperationsWindow"),
        ("APUS_MAX_INSTANCE_SIZE", "maximumInstanceSize"), ("APUS_LOG_LEVEL", "logLevel"),
        ("APUS_AUTHENTICATION", "authentication"), ("APUS_USERS_FILE", "usersFile"),
        ("APUS_OIDC_ISSUER", "oidcIssuer"), ("APUS_OIDC_AUDIENCE", "oidcAudience"),
        ("APUS_OIDC_JWKS_FILE", "oidcJWKSFile"), ("APUS_OIDC_JWKS_URL", "oidcJWKSURL"),
        ("APUS_OIDC_ROLES_CLAIM", "oidcRolesClaim"),
        ("APUS_OIDC_CLIENT_ID", "oidcClientID"), ("APUS_OIDC_CLIENT_SECRET", "oidcClientSecret"),
        ("APUS_OIDC_SCOPE", "oidcScope"),
        ("APUS_PEERS", "peers"), ("APUS_DICOM_TLS_PORT", "dicomTLSPort"), ("APUS_HTTPS_PORT", "httpsPort"),
        ("APUS_TLS_CERTIFICATE_FILE", "tlsCertificateFile"), ("APUS_TLS_KEY_FILE", "tlsKeyFile"),
        ("APUS_TLS_CA_FILE", "tlsCAFile"), ("APUS_DICOM_TLS_VERIFY_PEER", "dicomTLSVerifyPeer"),
        ("APUS_TLS_RELOAD_SECONDS", "tlsReloadSeconds"),
        ("APUS_STORAGE", "storage"), ("APUS_S3_ACCESS_KEY_ID", "s3AccessKeyID"),
        ("APUS_S3_SECRET_ACCESS_KEY", "s3SecretAccessKey"), ("APUS_EXTRA_INDEXED_TAGS", "extraIndexedTags"),
        ("APUS_CORS_ORIGINS", "corsOrigins"), ("APUS_MAX_REQUEST_SIZE", "maximumRequestSize"),
        ("APUS_HTTP_REQUEST_TIMEOUT", "httpRequestTimeout"), ("APUS_HTTP_IDLE_TIMEOUT", "httpIdleTimeout"),
    ]

    /// The file's `{"AET": {"host": …, "port": …}}` in the environment's `AET@host:port,…`
    /// form, so that one parser checks both.
    static func peersText(_ value: Any, source: String) throws(ConfigurationError) -> String {
        guard let peers = value as? [String: Any] else {
            throw ConfigurationError(setting: source, problem: "peers must be an object of AE titles")
        }
        var entries: [String] = []
        for (title, peer) in peers.sorted(by: { $0.key < $1.key }) {
            guard let peer = peer as? [String: Any], let host = peer["host"] as? String, let port = peer["port"] else {
                throw ConfigurationError(setting: source, problem: "peer \(title) needs a host and a port")
            }
            entries.append("\(title)@\(host):\(port)")
        }
        return entries.joined(separator: ",")
    }

    /// The file's `{"study": ["InstitutionName"], "series": ["00181030"]}` (or the
    /// environment's text itself) in the environment's `study:InstitutionName,…` form.
    static func extraIndexedTagsText(_ value: Any, source: String) throws(ConfigurationError) -> String {
        if let text = value as? String { return text }
        guard let levels = value as? [String: Any] else {
            throw ConfigurationError(setting: source, problem: "an object of levels, each with a list of attributes")
        }
        var entries: [String] = []
        for (level, attributes) in levels.sorted(by: { $0.key < $1.key }) {
            guard let names = attributes as? [String] else {
                throw ConfigurationError(setting: source, problem: "\(level) needs a list of keywords or tags")
            }
            // `(0018,1030)` and `0018,1030` as `00181030`: commas separate the entries.
            entries += names.map { "\(level):\($0.filter { !"(),".contains($0) })" }
        }
        return entries.joined(separator: ",")
    }

    /// `AET@host:port,…`; an empty text means no peers.
    static func parsePeers(_ value: String, source: String) throws(ConfigurationError) -> [String: Peer] {
        var peers: [String: Peer] = [:]
        for entry in value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            guard let at = entry.lastIndex(of: "@"), let colon = entry.lastIndex(of: ":"), at < colon,
                let port = Int(entry[entry.index(after: colon)...]), (1...65535).contains(port)
            else {
                throw ConfigurationError(setting: source, problem: "'\(entry)' is not AET@host:port")
            }
            let title = String(entry[..<at])
            let host = String(entry[entry.index(after: at)..<colon])
            guard (1...16).contains(title.utf8.count), !host.isEmpty else {
                throw ConfigurationError(
                    setting: source, problem: "'\(entry)': AE title of 1 to 16 characters, and a host")
            }
            peers[title] = Peer(host: host, port: port)
        }
        return peers
    }

    /// A list setting: comma-separated in the environment; a JSON array arrives as its
    /// description (`(a, b)` or `["a", "b"]`).
    static func list(_ value: String) -> [String] {
        value.trimmingCharacters(in: CharacterSet(charactersIn: "()[] \n"))
            .split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"\n")) }
            .filter { !$0.isEmpty }
    }

    /// Sets one setting from its text, checking it as the server will use it.
    public mutating func apply(key: String, value: String, source: String) throws(ConfigurationError) {
        func number(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
            guard let parsed = Int(value.trimmingCharacters(in: .whitespaces)), range.contains(parsed) else {
                throw ConfigurationError(setting: source, problem: "'\(value)' is not a number in \(range)")
            }
            return parsed
        }
        func boolean() throws(ConfigurationError) -> Bool {
            switch value.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: throw ConfigurationError(setting: source, problem: "'\(value)' is not true or false")
            }
        }
        switch key {
        case "name":
            guard !value.isEmpty else { throw ConfigurationError(setting: source, problem: "must not be empty") }
            name = value
        case "plainDICOM": servesPlainDICOM = try boolean()
        case "directWrites": directWrites = try boolean()
        case "peerAccess": peerAccess = try PeerAccessRule.parseList(value, source: source)
        case "aeTitle":
            let title = value.trimmingCharacters(in: .whitespaces)
            guard (1...16).contains(title.utf8.count), title.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x5C })
            else {
                throw ConfigurationError(
                    setting: source, problem: "an AE title is 1 to 16 ASCII characters, no backslash")
            }
            aeTitle = title
        case "dicomHost": dicomHost = value
        case "dicomPort": dicomPort = try number(in: 0...65535)
        case "httpHost": httpHost = value.isEmpty ? nil : value
        case "httpPort": httpPort = try number(in: 0...65535)
        case "dataDirectory":
            guard !value.isEmpty else { throw ConfigurationError(setting: source, problem: "must not be empty") }
            dataDirectory = value
        case "databasePath": databasePath = value.isEmpty ? nil : value
        case "databaseURL":
            let text = value.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else {
                databaseURL = nil
                return
            }
            do {
                _ = try PostgresIndexStore.Configuration(url: text)
            } catch {
                throw ConfigurationError(setting: source, problem: error.problem)
            }
            databaseURL = text
        case "duplicatePolicy":
            switch value.lowercased() {
            case "keep": duplicatePolicy = .keep
            case "overwrite": duplicatePolicy = .overwrite
            default: throw ConfigurationError(setting: source, problem: "'\(value)' is neither keep nor overwrite")
            }
        case "allowedCallingAETitles":
            let titles = Self.list(value)
            allowedCallingAETitles = titles.isEmpty ? nil : titles
        case "corsOrigins":
            corsOrigins = Self.list(value)
            for origin in corsOrigins
            where origin != "*" && !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) {
                throw ConfigurationError(
                    setting: source, problem: "'\(origin)' is not an origin (https://host[:port]) nor *")
            }
        case "maximumRequestSize": maximumRequestSize = try value.isEmpty ? nil : number(in: 1_024...(1 << 50))
        case "httpRequestTimeout":
            httpRequestTimeout = try value.isEmpty || value == "0" ? nil : .seconds(number(in: 1...86_400))
        case "httpIdleTimeout":
            httpIdleTimeout = try value.isEmpty || value == "0" ? nil : .seconds(number(in: 1...86_400))
        case "acceptsAnyCalledAETitle": acceptsAnyCalledAETitle = try boolean()
        case "maximumAssociations": maximumAssociations = try number(in: 1...10_000)
        case "dicomOperationsWindow": dicomOperationsWindow = try number(in: 1...256)
        case "maximumPDULength": maximumPDULength = try number(in: 4_096...16_777_216)
        case "maximumInstanceSize": maximumInstanceSize = try number(in: 1_024...(1 << 40))
        case "authentication":
            switch value.lowercased() {
            case "none", "off", "false": authenticationRequired = false
            case "required", "on", "true": authenticationRequired = true
            default: throw ConfigurationError(setting: source, problem: "'\(value)' is neither none nor required")
            }
        case "usersFile": usersFile = value.isEmpty ? nil : value
        case "oidcIssuer": oidcIssuer = value.isEmpty ? nil : value
        case "oidcAudience": oidcAudience = value.isEmpty ? nil : value
        case "oidcJWKSFile": oidcJWKSFile = value.isEmpty ? nil : value
        case "oidcJWKSURL": oidcJWKSURL = value.isEmpty ? nil : value
        case "oidcRolesClaim":
            guard !value.isEmpty else { throw ConfigurationError(setting: source, problem: "must not be empty") }
            oidcRolesClaim = value
        case "oidcClientID": oidcClientID = value.isEmpty ? nil : value
        case "oidcClientSecret": oidcClientSecret = value.isEmpty ? nil : value
        case "oidcScope":
            guard value.split(separator: " ").contains("openid") else {
                throw ConfigurationError(setting: source, problem: "'\(value)' must include openid")
            }
            oidcScope = value
        case "logLevel":
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(value.lowercased())
            else { throw ConfigurationError(setting: source, problem: "'\(value)' is not a log level") }
            logLevel = value.lowercased()
        case "peers": peers = try Self.parsePeers(value, source: source)
        case "dicomTLSPort": dicomTLSPort = try value.isEmpty ? nil : number(in: 0...65535)
        case "httpsPort": httpsPort = try value.isEmpty ? nil : number(in: 0...65535)
        case "tlsCertificateFile": tlsCertificateFile = value.isEmpty ? nil : value
        case "tlsKeyFile": tlsKeyFile = value.isEmpty ? nil : value
        case "tlsCAFile": tlsCAFile = value.isEmpty ? nil : value
        case "dicomTLSVerifyPeer": dicomTLSVerifyPeer = try value.isEmpty ? nil : boolean()
        case "tlsReloadSeconds": tlsReloadInterval = .seconds(try number(in: 1...86_400))
        case "storage": storage = try StorageSetting.parse(value, source: source)
        case "s3AccessKeyID": s3AccessKeyID = value.isEmpty ? nil : value
        case "s3SecretAccessKey": s3SecretAccessKey = value.isEmpty ? nil : value
        case "extraIndexedTags":
            do {
                extraIndexedAttributes = try ExtraAttributes.parse(value)
            } catch {
                throw ConfigurationError(setting: source, problem: error.description)
            }
        default:
            throw ConfigurationError(setting: source, problem: "unknown setting '\(key)'")
        }
    }
}

/// A setting that can't be used, and why, in words for the person who wrote it.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var setting: String
    public var problem: String

    public var description: String { "\(setting): \(problem)" }
}
