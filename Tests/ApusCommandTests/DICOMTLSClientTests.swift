import ApusServer
import DICOM
import DICOMNetwork
import Foundation
import Testing

@testable import apus

/// `apus`'s TLS options against DCMTK's `storescp +tls` and against the Apus server, and
/// `apus get` / `apus move` with the files they bring compared byte for byte with the originals.
@Suite("apus --tls, apus get, apus move")
struct DICOMTLSClientTests {
    static func tlsOptions(_ pki: TestCertificates, ca: String = "ca", client: String? = "client") -> [String] {
        ["--tls", "--tls-ca", pki.path("\(ca).crt")]
            + (client.map { ["--tls-cert", pki.path("\($0).crt"), "--tls-key", pki.path("\($0).key")] } ?? [])
    }

    @Test func storeToDCMTKStorescpOverTLS() async throws {
        let pki = try await TestCertificates.make()
        let file = try Corpus.file("CT_small.dcm")
        let options = ["+B", "+tls", pki.path("server-1.key"), pki.path("server-1.crt"), "+cf", pki.path("ca.crt")]
        try await StoreSCP.withRunning(options) { scp in
            let store = try await ApusBinary.run(
                ["store", "127.0.0.1", String(scp.port)] + Self.tlsOptions(pki) + [file])
            #expect(store.status == 0, "\(store.errors)")
            let received = try #require(scp.received.first)
            let original = try DICOMFile(contentsOf: file)
            #expect(
                try Part10Bytes.dataSet(ofFile: received) == Part10Bytes.sent(original, in: original.transferSyntax.uid)
            )

            // A server certificate from a CA we don't trust: no association, exit code 4.
            let untrusted = try await ApusBinary.run(
                ["echo", "localhost", String(scp.port)] + Self.tlsOptions(pki, ca: "other-ca"))
            #expect(untrusted.status == 4)
            #expect(untrusted.errors.contains("TLS handshake failed"), "\(untrusted.errors)")
        }
    }

    @Test func hostNameVerification() async throws {
        let pki = try await TestCertificates.make()
        // The client certificate names no host: the server presenting it fails the host check.
        try await DICOMTLSServerTests.withTLSServer(pki, certificate: "client") { ports in
            let peer = ["127.0.0.1", String(ports.tls), "--aec", "APUS"]
            let checked = try await ApusBinary.run(["echo"] + peer + Self.tlsOptions(pki))
            #expect(checked.status == 4, "\(checked.output) \(checked.errors)")
            let unchecked = try await ApusBinary.run(
                ["echo"] + peer + Self.tlsOptions(pki) + ["--tls-no-verify-hostname"])
            #expect(unchecked.status == 0, "\(unchecked.errors)")
        }
        try await DICOMTLSServerTests.withTLSServer(pki) { ports in
            for host in ["127.0.0.1", "localhost"] {
                let echo = try await ApusBinary.run(
                    ["echo", host, String(ports.tls), "--aec", "APUS"] + Self.tlsOptions(pki))
                #expect(echo.status == 0, "\(host): \(echo.errors)")
            }
            // The server wants a client certificate.
            let anonymous = try await ApusBinary.run(
                ["echo", "127.0.0.1", String(ports.tls), "--aec", "APUS"] + Self.tlsOptions(pki, client: nil))
            #expect(anonymous.status != 0)
            let usage = try await ApusBinary.run(["echo", "127.0.0.1", String(ports.tls), "--tls-ca", "x.crt"])
            #expect(usage.status == 2)
        }
    }

    @Test func getAndMoveFromTheApusServer() async throws {
        let pki = try await TestCertificates.make()
        let paths = try ApusServerPeerTests.corpus.map(Corpus.file)
        let files = try paths.map { try DICOMFile(contentsOf: $0).dataSet }
        try await StoreSCP.withRunning(["+B"]) { scp in
            try await TestServer.withRunning(
                configure: { settings in
                    settings.dicomTLSPort = 0
                    settings.tlsCertificateFile = pki.path("server-1.crt")
                    settings.tlsKeyFile = pki.path("server-1.key")
                    settings.tlsCAFile = pki.path("ca.crt")
                    settings.peers = ["STORESCP": .init(host: "127.0.0.1", port: scp.port)]
                }
            ) { ports in
                let plain = ["127.0.0.1", String(ports.dicom), "--aec", "APUS"]
                let store = try await ApusBinary.run(["store"] + plain + paths)
                #expect(store.status == 0, "\(store.errors)")

                // C-GET over TLS, a study at a time, into one directory.
                let output = try TemporaryDirectory()
                let studies = Set(files.compactMap { $0.string(.studyInstanceUID) })
                for study in studies.sorted() {
                    let get = try await ApusBinary.run(
                        ["get", "127.0.0.1", String(ports.tls), "--aec", "APUS"] + Self.tlsOptions(pki)
                            + ["-k", "StudyInstanceUID=\(study)", "--output", output.path])
                    #expect(get.status == 0, "\(get.errors)")
                    #expect(get.output.contains("C-GET success"), "\(get.output)")
                }
                for (path, file) in zip(paths, files) {
                    let uid = try #require(file.string(.sopInstanceUID))
                    let retrieved = output.path + "/" + uid
                    let original = try DICOMFile(contentsOf: path)
                    #expect(
                        try Part10Bytes.dataSet(ofFile: retrieved)
                            == Part10Bytes.sent(original, in: original.transferSyntax.uid), "\(path)")
                    let header = try DICOMFile(contentsOf: retrieved)
                    #expect(header.dataSet.string(.sopInstanceUID) == uid)
                }

                // C-MOVE to storescp, one series.
                let ct = try #require(files.first { $0.string(.modality) == "CT" })
                let move = try await ApusBinary.run(
                    ["move"] + plain + [
                        "--dest", "STORESCP", "-L", "SERIES", "-k",
                        "StudyInstanceUID=\(ct.string(.studyInstanceUID) ?? "")", "-k",
                        "SeriesInstanceUID=\(ct.string(.seriesInstanceUID) ?? "")",
                    ])
                #expect(move.status == 0, "\(move.errors)")
                #expect(move.output.contains("completed 1, failed 0, warning 0"), "\(move.output)")
                let moved = try #require(scp.received.first)
                let original = try #require(zip(paths, files).first { $0.1.string(.modality) == "CT" }?.0)
                let sent = try DICOMFile(contentsOf: original)
                #expect(try Part10Bytes.dataSet(ofFile: moved) == Part10Bytes.sent(sent, in: sent.transferSyntax.uid))

                // Nothing matches: no sub-operations, success; an unknown destination: refused.
                let none = try await ApusBinary.run(
                    ["get"] + plain + ["-k", "StudyInstanceUID=1.2.3.4", "-o", output.path])
                #expect(none.status == 0, "\(none.errors)")
                #expect(none.output.contains("Received 0 instances"))
                let unknown = try await ApusBinary.run(
                    ["move"] + plain + [
                        "--dest", "NOWHERE", "-k", "StudyInstanceUID=\(ct.string(.studyInstanceUID) ?? "")",
                    ])
                #expect(unknown.status == 1, "\(unknown.output)")
            }
        }
    }
}

@Suite("apus get's presentation contexts")
struct RetrieveContextsTests {
    @Test func oneAssociationHoldsThemAll() {
        let contexts = RetrieveContexts.storage
        // With the C-GET model's context: at most 128 (PS3.8 §9.3.2.2, odd IDs 1 to 255).
        #expect(contexts.count + 1 <= 128)
        #expect(contexts.allSatisfy { $0.transferSyntaxes.count == 1 })
        #expect(Set(contexts).count == contexts.count)
        #expect(Set(RetrieveContexts.roleSelections.map(\.sopClassUID)) == Set(contexts.map(\.abstractSyntax)))
    }
}
