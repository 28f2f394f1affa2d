import Foundation
import Testing

/// The `peerAccess` setting against real peers: DCMTK's echoscu and storescu from 127.0.0.1
/// and pynetdicom bound to 127.0.0.2 (Linux answers on all of 127/8), then over TLS with
/// client certificates told apart by subject CN and by SHA-256 fingerprint. A refused peer
/// gets A-ASSOCIATE-RJ "calling AE title not recognized" and the log says why.
@Suite("DICOM peers admitted by AE title, address and certificate")
struct PeerAccessTests {
    static let rejected = "Calling AE Title Not Recognized"

    static func echo(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await DICOMTLSServerTests.dcmtk("echoscu", arguments)
    }

    /// A C-ECHO from pynetdicom on a socket bound to `source`: "accepted", or "rejected RESULT SOURCE REASON".
    static func pynetdicomEcho(from source: String, aeTitle: String, port: Int) async throws -> String {
        let script = """
            import sys
            from pynetdicom import AE
            ae = AE(ae_title=sys.argv[1])
            ae.add_requested_context('1.2.840.10008.1.1')
            assoc = ae.associate('127.0.0.1', int(sys.argv[2]), ae_title='APUS', bind_address=(sys.argv[3], 0))
            if assoc.is_established:
                status = assoc.send_c_echo()
                assoc.release()
                print('accepted', hex(status.Status))
            elif assoc.is_rejected:
                rj = assoc.acceptor.primitive
                print('rejected', rj.result, rj.result_source, rj.diagnostic)
            else:
                print('failed')
            """
        // The python3 on PATH, as the other pynetdicom peers run it: scripts/test installs
        // pynetdicom for that one, which need not be /usr/bin/python3.
        let result = try await ChildProcess(
            "/usr/bin/env", ["python3", "-c", script, aeTitle, String(port), source],
            missing: "pip install pynetdicom (./scripts/test)"
        ).result(timeout: .seconds(60))
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines) + result.errors.suffix(300)
    }

    @Test func anAETitleOnlyFromItsAddresses() async throws {
        let settings: [String: Any] = [
            "peerAccess": [
                ["aeTitle": "CT1", "hosts": ["127.0.0.1"]],
                ["aeTitle": "MR1", "hosts": ["127.0.0.2"]],
                ["aeTitle": "ANYLOOP", "hosts": ["127.0.0.0/30"]],
                ["aeTitle": "ANYWHERE"],
            ]
        ]
        try await ServeProcess.withRunning(settings: settings) { server in
            let port = try #require(server.dicomPort)
            let target = ["-aec", "APUS", "127.0.0.1", String(port)]

            let ct = try await Self.echo(["-aet", "CT1"] + target)
            #expect(ct.status == 0, "\(ct.errors)")
            let files = try ApusServerPeerTests.corpus.filter { $0 != "JPEG2000.dcm" }.prefix(2).map(Corpus.file)
            let store = try await DICOMTLSServerTests.dcmtk("storescu", ["-aet", "CT1"] + target + files)
            #expect(store.status == 0, "\(store.errors)")
            #expect(server.storedBlobs == files.count)

            // MR1 is admitted from 127.0.0.2 only; DCMTK connects from 127.0.0.1.
            let mr = try await Self.echo(["-aet", "MR1"] + target)
            #expect(mr.status != 0)
            #expect((mr.output + mr.errors).contains(Self.rejected), "\(mr.output)\(mr.errors)")
            let refusedStore = try await DICOMTLSServerTests.dcmtk("storescu", ["-aet", "MR1"] + target + files)
            #expect(refusedStore.status != 0)
            #expect(server.storedBlobs == files.count)
            // Not in the list at all.
            let stranger = try await Self.echo(["-aet", "STRANGER"] + target)
            #expect((stranger.output + stranger.errors).contains(Self.rejected), "\(stranger.output)\(stranger.errors)")

            // From 127.0.0.2 the other way round (diagnostic 3: calling AE title not recognized).
            let mrFromItsAddress = try await Self.pynetdicomEcho(from: "127.0.0.2", aeTitle: "MR1", port: port)
            #expect(mrFromItsAddress.hasPrefix("accepted 0x0"), "\(mrFromItsAddress)")
            let ctFromElsewhere = try await Self.pynetdicomEcho(from: "127.0.0.2", aeTitle: "CT1", port: port)
            #expect(ctFromElsewhere.hasPrefix("rejected 1 1 3"), "\(ctFromElsewhere)")
            // A block, and no address condition at all.
            for source in ["127.0.0.1", "127.0.0.2"] {
                for title in ["ANYLOOP", "ANYWHERE"] {
                    let echo = try await Self.pynetdicomEcho(from: source, aeTitle: title, port: port)
                    #expect(echo.hasPrefix("accepted"), "\(title) from \(source): \(echo)")
                }
            }
            let outsideTheBlock = try await Self.pynetdicomEcho(from: "127.0.0.5", aeTitle: "ANYLOOP", port: port)
            #expect(outsideTheBlock.hasPrefix("rejected 1 1 3"), "\(outsideTheBlock)")

            let log = server.log
            #expect(log.contains("association refused"), "\(log)")
            #expect(log.contains("calling AE title 'MR1' from 127.0.0.1: 127.0.0.1 is not 127.0.0.2"), "\(log)")
            #expect(log.contains("calling AE title 'STRANGER' is not in peerAccess"), "\(log)")
        }
    }

    @Test func overTLSByCertificateCommonNameOrFingerprint() async throws {
        let pki = try await TestCertificates.make()
        let fingerprint =
            try await ChildProcess(
                "/usr/bin/openssl", ["x509", "-in", pki.path("client.crt"), "-noout", "-fingerprint", "-sha256"],
                missing: "apt-get install openssl"
            ).result().output.split(separator: "=").last.map(String.init) ?? ""
        let settings: [String: Any] = [
            "dicomTLSPort": 0, "tlsCertificateFile": pki.path("server-1.crt"),
            "tlsKeyFile": pki.path("server-1.key"),
            "tlsCAFile": pki.path("ca.crt"), "dicomTLSVerifyPeer": false,
            "peerAccess": [
                ["aeTitle": "BYNAME", "certificateCN": "apus-client"],
                [
                    "aeTitle": "BYPRINT",
                    "certificateSHA256": fingerprint.trimmingCharacters(in: .whitespacesAndNewlines),
                ],
                ["aeTitle": "OTHERNAME", "certificateCN": "apus-someone-else"],
            ],
        ]
        try await ServeProcess.withRunning(settings: settings, waitForTLS: true) { server in
            let tls = try #require(server.tlsPort)
            let target = ["-aec", "APUS", "127.0.0.1", String(tls)]
            let client = DICOMTLSServerTests.clientCertificate(pki, "client")
            for title in ["BYNAME", "BYPRINT"] {
                let echo = try await Self.echo(client + ["-aet", title] + target)
                #expect(echo.status == 0, "\(title): \(echo.errors)")
            }
            let otherName = try await Self.echo(client + ["-aet", "OTHERNAME"] + target)
            #expect((otherName.output + otherName.errors).contains(Self.rejected))
            // Anonymous TLS (allowed on this listener) has no certificate to match.
            let anonymous = try await Self.echo(["+tla", "+cf", pki.path("ca.crt"), "-aet", "BYNAME"] + target)
            #expect((anonymous.output + anonymous.errors).contains(Self.rejected))
            // Plain DICOM has none either.
            let plain = try await Self.echo([
                "-aet", "BYNAME", "-aec", "APUS", "127.0.0.1", String(try #require(server.dicomPort)),
            ])
            #expect((plain.output + plain.errors).contains(Self.rejected))

            let log = server.log
            #expect(log.contains("client certificate CN 'apus-client' is not 'apus-someone-else'"), "\(log)")
            #expect(log.contains("no client certificate"), "\(log)")
        }
    }
}
