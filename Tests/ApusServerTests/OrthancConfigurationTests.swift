import Archive
import ArchivePostgres
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PostgresNIO
import Testing

@testable import ApusServer

/// An Orthanc configuration file read as `apus serve` settings (Korthweb's drop-in): comments,
/// `${VAR}` substitution, each mapped key, wrong types named, unsupported keys listed.
@Suite("Orthanc configuration files")
struct OrthancConfigurationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let korthweb = fixtures.appendingPathComponent("korthweb-orthanc.json").path

    static func load(_ text: String, environment: [String: String] = [:]) throws -> ServerConfiguration {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/orthanc.json"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return try ServerConfiguration.load(file: file, environment: environment)
    }

    static func problem(_ text: String) -> ConfigurationError? {
        do {
            _ = try load(text)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            return ConfigurationError(setting: "?", problem: "\(error)")
        }
    }

    @Test func commentsAndVariablesAsOrthancReadsThem() {
        let text = """
            { // a line comment with "quotes"
              "A": "http://host/${X}/${UNSET}/${UNSET:-fallback}/${EMPTY:-empty}", /* block
              over lines */ "B": ${N}, "C": "a // not a comment", "D": "\\" /* still a string */"
            }
            """
        let prepared = ConfigurationText.prepared(text, environment: ["X": "x", "N": "42", "EMPTY": ""])
        let object = try? JSONSerialization.jsonObject(with: Data(prepared.utf8)) as? [String: Any]
        #expect(object?["A"] as? String == "http://host/x//fallback/empty")
        #expect(object?["B"] as? Int == 42)
        #expect(object?["C"] as? String == "a // not a comment")
        #expect(object?["D"] as? String == "\" /* still a string */")
        #expect(ConfigurationText.prepared("\"${OPEN\"", environment: [:]) == "\"${OPEN\"")
    }

    @Test func korthwebsFileMapsOntoThePostgresIndexAndStorage() throws {
        let configuration = try ServerConfiguration.load(
            file: Self.korthweb,
            environment: [
                "DB_ADDR": "db.example", "DB_PORT": "6432", "DB_USERNAME": "orthanc", "DB_PASSWORD": "p@ss:w/rd",
            ])
        #expect(configuration.name == "Orthanc Configuration")
        #expect(configuration.aeTitle == "ORTHANC")
        #expect(configuration.acceptsAnyCalledAETitle)
        #expect(configuration.storage == .postgres)
        #expect(
            configuration.databaseURL == "postgres://orthanc:p%40ss%3Aw%2Frd@db.example:6432/orthancdb?sslmode=disable")
        #expect(configuration.resolvedHTTPHost == "0.0.0.0")
        #expect(configuration.dicomTLSPort == nil && configuration.servesPlainDICOM)
        // Remote access without AuthenticationEnabled: Orthanc's default user, hashed, and a warning.
        #expect(configuration.authenticationRequired)
        #expect(configuration.registeredUsers.keys.sorted() == ["orthanc"])
        #expect(configuration.registeredUsers["orthanc"]?.hasPrefix("$2") == true)
        #expect(configuration.startupWarnings.contains { $0.contains("INSECURE") })
        #expect(configuration.ignoredSettings.isEmpty)
    }

    /// The index URL built from the PostgreSQL section percent-encodes everything but RFC 3986's
    /// unreserved characters in the user and password, and reads back to them unchanged: an
    /// `@`, `/`, `:`, `?`, `#` or `%` (also one that looks like an escape) in a secret works.
    @Test(arguments: [
        ("orthanc", "p@ss:w/rd"), ("us@r:1/x", "100%"), ("orthanc", "a%41b%2F"), ("o.k-_~", "?#[] !$&'()*+,;="),
        ("orthanc", "%%25%"), ("ørthanc", "pässwörd"),
    ])
    func postgresCredentialsArePercentEncoded(user: String, password: String) throws {
        let section: [String: Any] = [
            "EnableIndex": true, "Host": "db.example", "Port": 6432, "Database": "orthancdb", "Username": user,
            "Password": password,
        ]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: ["PostgreSQL": section]), as: UTF8.self)
        let url = try #require(try Self.load(text).databaseURL)
        let userInformation = try #require(
            url.split(separator: "@").dropLast().joined(separator: "@").split(separator: "//").last)
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%:")
        #expect(userInformation.allSatisfy(unreserved.contains), "\(url)")
        #expect(userInformation.filter { $0 == ":" }.count == 1, "\(url)")
        #expect(url.hasSuffix("@db.example:6432/orthancdb?sslmode=disable"), "\(url)")
        let client = try PostgresIndexStore.Configuration(url: url).client
        #expect(client.username == user)
        #expect(client.password == password)
        #expect(client.host == "db.example" && client.port == 6432 && client.database == "orthancdb")
    }

    @Test func eachMappedKey() throws {
        let configuration = try Self.load(
            """
            {
              "Name": "Site A", "DicomAet": "SITEA", "DicomPort": 11112, "HttpPort": "8043",
              "RemoteAccessAllowed": false, "AuthenticationEnabled": true,
              "RegisteredUsers": {"alice": "plain-secret", "bob": "other"},
              "DicomCheckCalledAet": true, "OverwriteInstances": true,
              "StorageDirectory": "/var/lib/orthanc/db", "IndexDirectory": "/var/lib/orthanc/index",
              "DicomTlsEnabled": true, "DicomTlsCertificate": "/tls/tls.crt", "DicomTlsPrivateKey": "/tls/tls.key",
              "DicomTlsTrustedCertificates": "/tls/ca.crt",
              "DicomModalities": {
                "ct": ["CT1", "10.0.0.5", 104, "GE"],
                "pacs": {"AET": "PACS", "Host": "pacs.example", "Port": "4242", "Manufacturer": "Generic"}
              },
              "DicomCheckModalityHost": true, "DicomAlwaysAllowStore": false,
              "StableAge": 60, "LuaScripts": [],
              "PostgreSQL": {"EnableIndex": true, "ConnectionUri": "postgresql://u:p@h:5/d", "IndexConnectionsCount": 5}
            }
            """)
        #expect(configuration.name == "Site A")
        #expect(configuration.aeTitle == "SITEA")
        #expect(configuration.httpPort == 8043)
        #expect(configuration.resolvedHTTPHost == "127.0.0.1")
        #expect(configuration.authenticationRequired)
        #expect(configuration.registeredUsers.keys.sorted() == ["alice", "bob"])
        // Only hashes are kept: the plain password is nowhere in the configuration.
        #expect(!"\(configuration)".contains("plain-secret"))
        #expect(!configuration.acceptsAnyCalledAETitle)
        #expect(configuration.duplicatePolicy == .overwrite)
        #expect(configuration.dataDirectory == "/var/lib/orthanc/db")
        #expect(configuration.resolvedDatabasePath == "/var/lib/orthanc/index/index.sqlite")
        // DICOM TLS takes the DICOM port over, as in Orthanc.
        #expect(configuration.dicomTLSPort == 11112 && !configuration.servesPlainDICOM)
        #expect(configuration.tlsCertificateFile == "/tls/tls.crt" && configuration.tlsKeyFile == "/tls/tls.key")
        #expect(configuration.tlsCAFile == "/tls/ca.crt" && configuration.dicomTLSVerifyPeer == true)
        #expect(
            configuration.peers == [
                "CT1": .init(host: "10.0.0.5", port: 104), "PACS": .init(host: "pacs.example", port: 4242),
            ])
        #expect(configuration.allowedCallingAETitles == ["CT1", "PACS"])
        #expect(
            configuration.peerAccess == [
                PeerAccessRule(aeTitle: "CT1", hosts: ["10.0.0.5"]),
                PeerAccessRule(aeTitle: "PACS", hosts: ["pacs.example"]),
            ])
        #expect(configuration.databaseURL == "postgresql://u:p@h:5/d")
        #expect(configuration.storage == .files)
        #expect(configuration.ignoredSettings == ["LuaScripts", "PostgreSQL.IndexConnectionsCount", "StableAge"])
    }

    @Test func aValueOfTheWrongTypeNamesItsKey() {
        #expect(Self.problem(#"{"DicomPort": "abc"}"#)?.setting.hasSuffix(": DicomPort") == true)
        #expect(Self.problem(#"{"DicomPort": true}"#)?.setting.hasSuffix(": DicomPort") == true)
        #expect(Self.problem(#"{"RemoteAccessAllowed": "yes"}"#)?.setting.hasSuffix(": RemoteAccessAllowed") == true)
        #expect(Self.problem(#"{"AuthenticationEnabled": 1}"#)?.setting.hasSuffix(": AuthenticationEnabled") == true)
        #expect(Self.problem(#"{"DicomAet": 7}"#)?.setting.hasSuffix(": DicomAet") == true)
        #expect(
            Self.problem(#"{"PostgreSQL": {"EnableIndex": true, "Port": false}}"#)?.setting.hasSuffix(
                "PostgreSQL: Port") == true)
        #expect(
            Self.problem(#"{"DicomModalities": {"x": ["CT1", "host"]}}"#)?.setting.hasSuffix("DicomModalities.x")
                == true)
        #expect(
            Self.problem(#"{"RegisteredUsers": {"alice": 123}}"#)?.setting.hasSuffix("RegisteredUsers.alice") == true)
        #expect(Self.problem(#"{"SslEnabled": true}"#)?.problem.contains("httpsPort") == true)
        #expect(Self.problem(#"{"PostgreSQL": {"EnableStorage": true}}"#)?.problem.contains("EnableIndex") == true)
        // Not JSON even after comments are dropped: the file is named.
        #expect(Self.problem(#"{"DicomPort": 4242,, }"#)?.problem.contains("not valid JSON") == true)
        // A password never appears in a message.
        let error = Self.problem(#"{"RegisteredUsers": {"a:b": "secret-value"}}"#)
        #expect(error != nil && !"\(error.map(String.init(describing:)) ?? "")".contains("secret-value"))
    }

    @Test func aDirectoryIsReadAsOrthancDoes() throws {
        let directory = try TemporaryDirectory()
        try #"{"DicomAet": "DIRAET"}"#.write(toFile: directory.path + "/a.json", atomically: true, encoding: .utf8)
        try #"{"DicomPort": 4343} // second file"#.write(
            toFile: directory.path + "/b.json", atomically: true, encoding: .utf8)
        try "not json".write(toFile: directory.path + "/notes.txt", atomically: true, encoding: .utf8)
        let configuration = try ServerConfiguration.load(file: directory.path, environment: [:])
        #expect(configuration.aeTitle == "DIRAET" && configuration.dicomPort == 4343)
        try #"{"DicomAet": "AGAIN"}"#.write(toFile: directory.path + "/c.json", atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(file: directory.path, environment: [:])
        }
    }

    @Test func apusFilesTakeCommentsAndVariablesToo() throws {
        let configuration = try Self.load(
            #"{"aeTitle": "${AET}", /* why */ "dicomPort": ${PORT:-1104}}"#, environment: ["AET": "FROMENV"])
        #expect(configuration.aeTitle == "FROMENV" && configuration.dicomPort == 1104)
        #expect(configuration.registeredUsers.isEmpty && configuration.ignoredSettings.isEmpty)
    }
}

/// Korthweb's configuration file, unchanged, runs `apus serve` on PostgreSQL (index and files):
/// storescu stores, findscu finds, DICOMweb and `/system` answer Orthanc's default user only.
@Suite("apus serve with Korthweb's Orthanc configuration")
struct OrthancDropInTests {
    /// A GET with AsyncHTTPClient, optionally as `user` (its password is its name, as Orthanc's
    /// default user's): the status and the body.
    static func get(_ url: String, as user: String? = nil) async throws -> (status: UInt, body: String) {
        var request = HTTPClientRequest(url: url)
        if let user {
            request.headers.add(
                name: "Authorization", value: "Basic " + Data("\(user):\(user)".utf8).base64EncodedString())
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (response.status.code, String(buffer: body))
    }

    @Test func korthwebsConfigurationServes() async throws {
        let directory = try TemporaryDirectory()
        let files = try RetrieveEndToEndTests.corpus.map(Pydicom.corpusFile)
        try await TestPostgres.withDatabase { url in
            let components = try #require(URLComponents(string: url))
            try await ServerProcess.withRunning(
                dataDirectory: directory.path, arguments: ["--config", OrthancConfigurationTests.korthweb],
                environment: [
                    "DB_ADDR": components.host ?? "127.0.0.1", "DB_PORT": String(components.port ?? 5432),
                    "DB_USERNAME": components.user ?? "postgres", "DB_PASSWORD": components.password ?? "",
                    "DB_NAME": String(components.path.dropFirst()),
                ]
            ) { server in
                try await Self.serves(files, server: server, database: url)
            }
        }
    }

    static func serves(_ files: [String], server: ServerProcess, database: String) async throws {
        let (port, httpPort) = try await server.waitForPorts()
        // Orthanc's AE title, and any called AE title (DicomCheckCalledAet is false).
        for called in ["ORTHANC", "ANYTHING"] {
            let echo = try await Tools.runDetached("/usr/bin/echoscu", ["-aec", called, "127.0.0.1", String(port)])
            #expect(echo.status == 0, "echoscu: \(echo.output)")
        }
        try await RetrieveEndToEndTests.storeWithStorescu(files, port: port)
        let find = try await Tools.runDetached(
            "/usr/bin/findscu",
            [
                "-S", "-aec", "ORTHANC", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID", "127.0.0.1",
                String(port),
            ])
        #expect(find.status == 0, "findscu: \(find.output)")
        #expect(find.output.components(separatedBy: "(Pending)").count - 1 == files.count, "\(find.output)")
        #expect(try await TestPostgres.administer(database, "SELECT count(*)::bigint FROM blobs") == files.count)

        let base = "http://127.0.0.1:\(httpPort)"
        // RemoteAccessAllowed without AuthenticationEnabled: authentication on, as in Orthanc.
        for path in ["/dicom-web/studies", "/system"] {
            let anonymous = try await Self.get(base + path)
            #expect(anonymous.status == 401, "\(path): \(anonymous.body)")
            let stranger = try await Self.get(base + path, as: "stranger")
            #expect(stranger.status == 401, "\(path): \(stranger.body)")
        }
        let studies = try await Self.get(base + "/dicom-web/studies", as: "orthanc")
        #expect(studies.status == 200, "\(studies.body)")
        #expect(studies.body.components(separatedBy: "0020000D").count - 1 == files.count, "\(studies.body)")
        let system = try await Self.get(base + "/system", as: "orthanc")
        #expect(system.status == 200, "\(system.body)")
        #expect(system.body.contains("Orthanc Configuration"), "\(system.body)")
    }

    @Test func unsupportedKeysAreListedAndWrongTypesStopStartUp() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/orthanc.json"
        try
            #"{"StableAge": 60, "DicomTlsEnabled": true, "DicomTlsCertificate": "/nonexistent.crt", "DicomTlsPrivateKey": "/nonexistent.key", "LuaScripts": []}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try await ServerProcess.withRunning(
            dataDirectory: directory.path, arguments: ["--config", file]
        ) { await $0.ended() }
        #expect(status == 2)
        #expect(output.contains("configuration keys not supported by Apus, ignored"), "\(output)")
        #expect(output.contains("LuaScripts, StableAge"), "\(output)")

        try #"{"HttpPort": "eighty"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let (wrongStatus, wrongOutput) = try await ServerProcess.withRunning(
            dataDirectory: directory.path, arguments: ["--config", file]
        ) { await $0.ended() }
        #expect(wrongStatus == 2)
        #expect(wrongOutput.contains("orthanc.json: HttpPort: must be a port number"), "\(wrongOutput)")
    }
}
