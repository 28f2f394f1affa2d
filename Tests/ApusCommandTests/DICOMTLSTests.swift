import ApusServer
import DICOM
import DICOMNetwork
import Foundation
import Testing

/// DICOM over TLS (PS3.15 Annex B) on Apus's own TLS listener, with certificates `openssl`
/// makes for each test: DCMTK's TLS tools and `openssl s_client` as the peers, mutual TLS,
/// refusals, anonymous TLS, and a certificate rotated under the running server.
@Suite("DICOM over TLS: the Apus server")
struct DICOMTLSServerTests {
    static func withTLSServer(
        _ pki: TestCertificates, verifyPeer: Bool? = nil, certificate: String = "server-1",
        _ body: (TestServer.Ports) async throws -> Void
    ) async throws {
        try await TestServer.withRunning(
            configure: { settings in
                settings.dicomTLSPort = 0
                settings.tlsCertificateFile = pki.path("\(certificate).crt")
                settings.tlsKeyFile = pki.path("\(certificate).key")
                settings.tlsCAFile = pki.path("ca.crt")
                settings.dicomTLSVerifyPeer = verifyPeer
                settings.tlsReloadInterval = .milliseconds(200)
            }, body)
    }

    static func dcmtk(_ tool: String, _ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess("/usr/bin/\(tool)", arguments, missing: "install DCMTK (apt-get install dcmtk)")
            .result(timeout: .seconds(120))
    }

    static func clientCertificate(_ pki: TestCertificates, _ name: String) -> [String] {
        ["+tls", pki.path("\(name).key"), pki.path("\(name).crt"), "+cf", pki.path("ca.crt")]
    }

    @Test func dcmtkEchoAndStoreWithAClientCertificate() async throws {
        let pki = try await TestCertificates.make()
        // storescu won't send JPEG 2000 as it is (it offers to convert it to uncompressed).
        let files = try ApusServerPeerTests.corpus.filter { $0 != "JPEG2000.dcm" }.map(Corpus.file)
        try await Self.withTLSServer(pki) { ports in
            let peer = ["-aec", "APUS", "127.0.0.1", String(ports.tls)]
            let echo = try await Self.dcmtk("echoscu", Self.clientCertificate(pki, "client") + peer)
            #expect(echo.status == 0, "\(echo.errors)")
            let store = try await Self.dcmtk("storescu", Self.clientCertificate(pki, "client") + peer + files)
            #expect(store.status == 0, "\(store.errors)")

            // What went over TLS is in the archive: found over the plain listener.
            let studies = try Set(files.compactMap { try DICOMFile(contentsOf: $0).dataSet.string(.studyInstanceUID) })
            let found = try await ApusBinary.run(
                ["find", "127.0.0.1", String(ports.dicom), "--aec", "APUS", "-k", "StudyInstanceUID"])
            #expect(found.status == 0, "\(found.errors)")
            #expect(found.errors.contains("\(studies.count) matches"), "\(found.errors)")

            let handshake = try await pki.served(port: ports.tls)
            #expect(handshake.output.contains("subject=CN = apus-server-1"), "\(handshake.output)")
            #expect(handshake.output.contains("Verify return code: 0 (ok)"))
        }
    }

    @Test func untrustedExpiredAndMissingClientCertificatesAreRefused() async throws {
        let pki = try await TestCertificates.make()
        try await Self.withTLSServer(pki) { ports in
            let peer = ["-aec", "APUS", "127.0.0.1", String(ports.tls)]
            for name in ["other-client", "expired"] {
                let echo = try await Self.dcmtk("echoscu", Self.clientCertificate(pki, name) + peer)
                #expect(echo.status != 0, "\(name) was accepted")
            }
            let anonymous = try await Self.dcmtk("echoscu", ["+tla", "+cf", pki.path("ca.crt")] + peer)
            #expect(anonymous.status != 0, "a client without a certificate was accepted")
            // The server still serves the right certificate after the refusals.
            let echo = try await Self.dcmtk("echoscu", Self.clientCertificate(pki, "client") + peer)
            #expect(echo.status == 0, "\(echo.errors)")
        }
    }

    @Test func anonymousClientsWhenVerificationIsOff() async throws {
        let pki = try await TestCertificates.make()
        try await Self.withTLSServer(pki, verifyPeer: false) { ports in
            let echo = try await Self.dcmtk(
                "echoscu", ["+tla", "+cf", pki.path("ca.crt"), "-aec", "APUS", "127.0.0.1", String(ports.tls)])
            #expect(echo.status == 0, "\(echo.errors)")
        }
    }

    @Test func aRotatedCertificateServesNewConnectionsWithoutRestart() async throws {
        let pki = try await TestCertificates.make()
        let files = FileManager.default
        try files.copyItem(atPath: pki.path("server-1.crt"), toPath: pki.path("live.crt"))
        try files.copyItem(atPath: pki.path("server-1.key"), toPath: pki.path("live.key"))
        try await Self.withTLSServer(pki, certificate: "live") { ports in
            let before = try await pki.served(port: ports.tls)
            #expect(before.output.contains("subject=CN = apus-server-1"), "\(before.output)")

            // As Kubernetes updates a Secret volume: new files renamed over the old ones.
            for suffix in ["key", "crt"] {
                try files.copyItem(atPath: pki.path("server-2.\(suffix)"), toPath: pki.path("next.\(suffix)"))
                #expect(rename(pki.path("next.\(suffix)"), pki.path("live.\(suffix)")) == 0)
            }
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(30)
            var after = try await pki.served(port: ports.tls)
            while !after.output.contains("subject=CN = apus-server-2"), clock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                after = try await pki.served(port: ports.tls)
            }
            #expect(after.output.contains("subject=CN = apus-server-2"), "\(after.output)")
            #expect(after.output.contains("Verify return code: 0 (ok)"))
            let echo = try await Self.dcmtk(
                "echoscu", Self.clientCertificate(pki, "client") + ["-aec", "APUS", "127.0.0.1", String(ports.tls)])
            #expect(echo.status == 0, "\(echo.errors)")
        }
    }

    @Test func unusableFilesStopTheServerAtStart() async throws {
        let pki = try await TestCertificates.make()
        var settings = ServerConfiguration()
        settings.dicomTLSPort = 0
        settings.tlsCertificateFile = pki.path("missing.crt")
        settings.tlsKeyFile = pki.path("server-1.key")
        await #expect(throws: ConfigurationError.self) { try await settings.checkTLSFiles() }
        let cases: [(certificate: String, key: String, setting: String, problem: String)] = [
            ("missing.crt", "server-1.key", "APUS_TLS_CERTIFICATE_FILE", "cannot be read"),
            ("server-1.key", "server-1.key", "APUS_TLS_CERTIFICATE_FILE", "PEM"),
            ("server-1.crt", "server-1.crt", "APUS_TLS_KEY_FILE", "not an unencrypted PEM private key"),
            ("server-1.crt", "client.key", "APUS_TLS_KEY_FILE", "does not match"),
        ]
        for (certificate, key, setting, problem) in cases {
            settings.tlsCertificateFile = pki.path(certificate)
            settings.tlsKeyFile = pki.path(key)
            do {
                try await settings.checkTLSFiles()
                Issue.record("\(certificate) with \(key) was accepted")
            } catch {
                #expect(error.setting.contains(setting), "\(error)")
                #expect(error.problem.contains(problem), "\(error)")
            }
        }
        settings.tlsCertificateFile = pki.path("server-1.crt")
        settings.tlsKeyFile = pki.path("server-1.key")
        settings.tlsCAFile = pki.path("nowhere.crt")
        do {
            try await settings.checkTLSFiles()
            Issue.record("a missing CA file was accepted")
        } catch {
            #expect(error.setting.contains("APUS_TLS_CA_FILE"), "\(error)")
        }
        settings.tlsCAFile = nil
        settings.dicomTLSVerifyPeer = true
        await #expect(throws: ConfigurationError.self) { try await settings.checkTLSFiles() }
    }

    @Test func apusServeRefusesToStartWithAKeyThatIsNotTheCertificates() async throws {
        let pki = try await TestCertificates.make()
        let data = try TemporaryDirectory()
        let serve = try await ApusBinary.run([
            "serve", "--data", data.path, "--dicom-port", "0", "--http-port", "0", "--dicom-tls-port", "0",
            "--tls-certificate", pki.path("server-1.crt"), "--tls-key", pki.path("client.key"),
        ])
        #expect(serve.status == 2)
        #expect(serve.errors.contains("APUS_TLS_KEY_FILE"), "\(serve.errors)")
        #expect(serve.errors.contains("the private key does not match the certificate"), "\(serve.errors)")
    }

    @Test func settingsFromTheEnvironment() throws {
        let settings = try ServerConfiguration.load(
            file: nil,
            environment: [
                "APUS_DICOM_TLS_PORT": "11112", "APUS_TLS_CERTIFICATE_FILE": "/tls/tls.crt",
                "APUS_TLS_KEY_FILE": "/tls/tls.key", "APUS_TLS_CA_FILE": "/tls/ca.crt",
                "APUS_DICOM_TLS_VERIFY_PEER": "false",
            ])
        #expect(settings.dicomTLSPort == 11112)
        let tls = try #require(try settings.dicomTLS())
        #expect(tls.certificateChainFile == "/tls/tls.crt")
        #expect(tls.privateKeyFile == "/tls/tls.key")
        #expect(tls.trustRootsFile == "/tls/ca.crt")
        #expect(tls.verifiesPeer == false)
        let verifying = try ServerConfiguration.load(
            file: nil,
            environment: [
                "APUS_DICOM_TLS_PORT": "11112", "APUS_TLS_CERTIFICATE_FILE": "/a", "APUS_TLS_KEY_FILE": "/b",
                "APUS_TLS_CA_FILE": "/c",
            ])
        #expect(try verifying.dicomTLS()?.verifiesPeer == true)
        #expect(throws: ConfigurationError.self) {
            _ = try ServerConfiguration.load(file: nil, environment: ["APUS_DICOM_TLS_VERIFY_PEER": "maybe"])
        }
    }
}
