import Archive
import Foundation
import HTTPAPI

/// An Orthanc configuration file (Korthweb's `orthanc.json`) read as `apus serve` settings, so
/// that Apus takes the place of Orthanc without its configuration being rewritten. Each key
/// Orthanc documents that has a meaning here is mapped onto the setting that does the same;
/// the others are listed in `ServerConfiguration.ignoredSettings`, logged at start. A value of
/// the wrong JSON type stops start-up naming the key, as a wrong Apus setting does.
struct OrthancConfiguration {
    let object: [String: Any]
    /// The file, for messages: `orthanc.json: PostgreSQL.Port`.
    let file: String
    /// The keys read so far; the others are reported as ignored.
    private var handled: Set<String> = []

    init(object: [String: Any], file: String) {
        self.object = object
        self.file = file
    }

    /// Orthanc's keys start with an upper-case letter, Apus's own with a lower-case one.
    static func isOrthanc(_ object: [String: Any]) -> Bool {
        object.keys.contains { $0.first?.isUppercase == true }
    }

    /// Keys whose meaning Apus has no use for and that change nothing when ignored: Korthweb
    /// loads the PostgreSQL and viewer plugins, which Apus has built in.
    static let builtIn: Set<String> = ["Plugins"]

    mutating func apply(to configuration: inout ServerConfiguration) throws(ConfigurationError) {
        handled.formUnion(Self.builtIn)
        let file = file
        func set(_ setting: String, _ value: String?, from key: String) throws(ConfigurationError) {
            guard let value else { return }
            try configuration.apply(key: setting, value: value, source: "\(file): \(key)")
        }

        if let name = try string("Name") { configuration.name = name }
        // Orthanc's own default AE title, which its peers were configured with.
        try set("aeTitle", string("DicomAet") ?? "ORTHANC", from: "DicomAet")
        let dicomPort = try port("DicomPort")
        try set("dicomPort", dicomPort.map(String.init), from: "DicomPort")
        try set("httpPort", port("HttpPort").map(String.init), from: "HttpPort")
        // Orthanc answers to any called AE title unless told to check it.
        configuration.acceptsAnyCalledAETitle = !(try boolean("DicomCheckCalledAet") ?? false)
        if let overwrite = try boolean("OverwriteInstances") {
            configuration.duplicatePolicy = overwrite ? .overwrite : .keep
        }
        try set("dataDirectory", string("StorageDirectory"), from: "StorageDirectory")
        if let index = try string("IndexDirectory") {
            try set("databasePath", index + "/index.sqlite", from: "IndexDirectory")
        }
        if try boolean("SslEnabled") == true {
            throw ConfigurationError(
                setting: "\(file): SslEnabled",
                problem: "Apus serves HTTPS on its own port: set httpsPort (APUS_HTTPS_PORT) with "
                    + "tlsCertificateFile and tlsKeyFile, or end TLS at the ingress, and remove SslEnabled")
        }
        handled.insert("SslCertificate")

        try applyHTTPAccess(to: &configuration)
        try applyTLS(to: &configuration, dicomPort: dicomPort)
        try applyModalities(to: &configuration)
        if let postgres = try section("PostgreSQL") {
            try applyPostgreSQL(postgres, to: &configuration)
        }
        configuration.ignoredSettings += object.keys.filter { !handled.contains($0) }
        configuration.ignoredSettings.sort()
    }

    /// RemoteAccessAllowed, AuthenticationEnabled and RegisteredUsers, with Orthanc's defaults
    /// (1.5.8 on): remote access without `AuthenticationEnabled` turns authentication on, and
    /// authentication without users registers `orthanc`/`orthanc` — Korthweb's readiness probe
    /// logs in with it. That default is insecure, and the log says so at every start.
    private mutating func applyHTTPAccess(
        to configuration: inout ServerConfiguration,
    ) throws(ConfigurationError) {
        let remote = try boolean("RemoteAccessAllowed") ?? false
        configuration.httpHost = remote ? "0.0.0.0" : "127.0.0.1"
        let authentication = try boolean("AuthenticationEnabled") ?? remote
        configuration.authenticationRequired = authentication
        var users: [String: String] = [:]
        if let registered = try section("RegisteredUsers") {
            for (name, password) in registered.sorted(by: { $0.key < $1.key }) {
                guard let password = password as? String, !Self.isBoolean(password) else {
                    throw ConfigurationError(
                        setting: "\(file): RegisteredUsers.\(name)", problem: "the password must be a string")
                }
                guard !name.isEmpty, !name.contains(":") else {
                    throw ConfigurationError(
                        setting: "\(file): RegisteredUsers", problem: "'\(name)' is not a user name (no ':')")
                }
                users[name] = password
            }
        }
        if authentication, users.isEmpty {
            guard remote else {
                throw ConfigurationError(
                    setting: "\(file): AuthenticationEnabled", problem: "authentication needs RegisteredUsers")
            }
            users = ["orthanc": "orthanc"]
            configuration.startupWarnings.append(
                "HTTP authentication is on but RegisteredUsers is empty: user orthanc (password orthanc) was "
                    + "created, as Orthanc does. This setup is INSECURE: declare RegisteredUsers")
        }
        // Orthanc's file holds the passwords in plain text; only their bcrypt hashes are kept.
        configuration.registeredUsers = users.mapValues { UserDirectory.hash(password: $0) }
    }

    /// DICOM TLS takes over the DICOM port, as in Orthanc: no plain DICOM next to it.
    private mutating func applyTLS(
        to configuration: inout ServerConfiguration, dicomPort: Int?,
    ) throws(ConfigurationError) {
        let enabled = try boolean("DicomTlsEnabled") ?? false
        let certificate = try string("DicomTlsCertificate")
        let key = try string("DicomTlsPrivateKey")
        let trusted = try string("DicomTlsTrustedCertificates")
        let required = try boolean("DicomTlsRemoteCertificateRequired") ?? true
        guard enabled else { return }
        guard certificate != nil, key != nil else {
            throw ConfigurationError(
                setting: "\(file): DicomTlsEnabled", problem: "needs DicomTlsCertificate and DicomTlsPrivateKey")
        }
        configuration.tlsCertificateFile = certificate
        configuration.tlsKeyFile = key
        configuration.tlsCAFile = trusted
        configuration.dicomTLSVerifyPeer = required
        configuration.dicomTLSPort = dicomPort ?? 4242
        configuration.servesPlainDICOM = false
    }

    /// DicomModalities are the peers a C-MOVE may send to, in both of Orthanc's forms:
    /// `["AET", "host", port(, "manufacturer")]` and `{"AET": …, "Host": …, "Port": …}`.
    /// DicomAlwaysAllowStore false (Orthanc's default is true) admits only these AE titles.
    /// DicomCheckModalityHost true admits them only from their host.
    private mutating func applyModalities(
        to configuration: inout ServerConfiguration,
    ) throws(ConfigurationError) {
        var peers: [String: ServerConfiguration.Peer] = [:]
        for (name, entry) in (try section("DicomModalities") ?? [:]).sorted(by: { $0.key < $1.key }) {
            let source = "\(file): DicomModalities.\(name)"
            let title: Any?
            let host: Any?
            let port: Any?
            if let array = entry as? [Any] {
                guard (3...4).contains(array.count) else {
                    throw ConfigurationError(setting: source, problem: #"expected ["AET", "host", port]"#)
                }
                (title, host, port) = (array[0], array[1], array[2])
            } else if let fields = entry as? [String: Any] {
                (title, host, port) = (fields["AET"], fields["Host"], fields["Port"])
            } else {
                throw ConfigurationError(
                    setting: source, problem: #"expected ["AET", "host", port] or {"AET", "Host", "Port"}"#)
            }
            guard let title = title as? String, let host = host as? String, !host.isEmpty,
                let port = Self.integer(port), (1...65535).contains(port)
            else {
                throw ConfigurationError(
                    setting: source, problem: "needs an AE title (string), a host (string) and a port (1-65535)")
            }
            peers[title] = ServerConfiguration.Peer(host: host, port: port)
        }
        if !peers.isEmpty { try set(peers: peers, on: &configuration) }
        if try boolean("DicomAlwaysAllowStore") == false {
            configuration.allowedCallingAETitles = peers.keys.sorted()
        }
        if try boolean("DicomCheckModalityHost") == true {
            configuration.peerAccess = peers.sorted { $0.key < $1.key }.map { title, peer in
                PeerAccessRule(aeTitle: title, hosts: [peer.host])
            }
        }
    }

    private func set(peers: [String: ServerConfiguration.Peer], on configuration: inout ServerConfiguration)
        throws(ConfigurationError)
    {
        let text = peers.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value.host):\($0.value.port)" }
        try configuration.apply(
            key: "peers", value: text.joined(separator: ","), source: "\(file): DicomModalities")
    }

    /// The PostgreSQL plugins' section: the index (EnableIndex) and the files (EnableStorage)
    /// in one database, as Korthweb runs it. `Lock` is accepted either way: Apus never locks
    /// the database for one server, replicas share it.
    private func applyPostgreSQL(_ section: [String: Any], to configuration: inout ServerConfiguration)
        throws(ConfigurationError)
    {
        var nested = OrthancConfiguration(object: section, file: file + ": PostgreSQL")
        let index = try nested.boolean("EnableIndex") ?? false
        let storage = try nested.boolean("EnableStorage") ?? false
        let uri = try nested.string("ConnectionUri")
        let host = try nested.string("Host") ?? "localhost"
        let port = try nested.port("Port") ?? 5432
        let database = try nested.string("Database") ?? "orthanc"
        let username = try nested.string("Username") ?? ""
        let password = try nested.string("Password") ?? ""
        let ssl = try nested.boolean("EnableSsl") ?? false
        _ = try nested.boolean("Lock")
        configuration.ignoredSettings += section.keys.filter { !nested.handled.contains($0) }.sorted().map {
            "PostgreSQL.\($0)"
        }
        if storage, !index {
            throw ConfigurationError(
                setting: "\(file): PostgreSQL.EnableStorage",
                problem: "Apus keeps files in PostgreSQL only together with its index: set EnableIndex too")
        }
        guard index else { return }
        let url: String
        if let uri {
            url = uri
        } else {
            guard !username.isEmpty else {
                throw ConfigurationError(setting: "\(file): PostgreSQL.Username", problem: "must not be empty")
            }
            var components = URLComponents()
            components.scheme = "postgres"
            components.host = host
            components.port = port
            // Only unreserved characters stay as they are: a ':' or '@' in a password must not
            // end the user information early for any URL reader.
            components.percentEncodedUser = username.percentEncodingAllButUnreserved
            components.percentEncodedPassword = password.isEmpty ? nil : password.percentEncodingAllButUnreserved
            components.path = "/" + database
            components.queryItems = [URLQueryItem(name: "sslmode", value: ssl ? "require" : "disable")]
            guard let text = components.string else {
                throw ConfigurationError(setting: "\(file): PostgreSQL", problem: "cannot make a connection URL")
            }
            url = text
        }
        try configuration.apply(key: "databaseURL", value: url, source: "\(file): PostgreSQL")
        if storage { configuration.storage = .postgres }
    }

    // MARK: Typed values; each names the key when the value has the wrong type.

    mutating func string(_ key: String) throws(ConfigurationError) -> String? {
        handled.insert(key)
        guard let value = object[key] else { return nil }
        guard let text = value as? String, !Self.isBoolean(value) else { throw wrongType(key, "a string") }
        return text
    }

    mutating func boolean(_ key: String) throws(ConfigurationError) -> Bool? {
        handled.insert(key)
        guard let value = object[key] else { return nil }
        guard Self.isBoolean(value), let flag = value as? Bool else { throw wrongType(key, "true or false") }
        return flag
    }

    /// A port: a number, or a number in a string (`"${DB_PORT}"` quoted).
    mutating func port(_ key: String) throws(ConfigurationError) -> Int? {
        handled.insert(key)
        guard let value = object[key] else { return nil }
        guard let number = Self.integer(value), (0...65535).contains(number) else {
            throw wrongType(key, "a port number (0-65535)")
        }
        return number
    }

    mutating func section(_ key: String) throws(ConfigurationError) -> [String: Any]? {
        handled.insert(key)
        guard let value = object[key] else { return nil }
        guard let members = value as? [String: Any] else { throw wrongType(key, "an object") }
        return members
    }

    private func wrongType(_ key: String, _ expected: String) -> ConfigurationError {
        ConfigurationError(setting: "\(file): \(key)", problem: "must be \(expected)")
    }

    /// JSONSerialization gives booleans as NSNumber too; theirs is the `c` (char) type.
    static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber, !(value is String) else { return false }
        return String(cString: number.objCType) == "c"
    }

    static func integer(_ value: Any?) -> Int? {
        guard let value else { return nil }
        if let text = value as? String { return Int(text.trimmingCharacters(in: .whitespaces)) }
        guard !isBoolean(value), let number = value as? NSNumber, number.doubleValue == number.doubleValue.rounded()
        else { return nil }
        return number.intValue
    }
}
