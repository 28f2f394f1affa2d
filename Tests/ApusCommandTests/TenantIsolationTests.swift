import Foundation
import Testing

/// Two sites, two `apus serve` processes, each with its own CA, certificates, ports, AE title
/// and storage, proven apart with DCMTK's TLS tools: site A takes mutual TLS only (no plain
/// DICOM, no anonymous TLS); site B takes plain DICOM and anonymous TLS as configured. A store
/// meant for A lands in A only; B's client certificate, anonymous TLS and plain DICOM are
/// refused by A and nothing is stored; a store sent to B with A's CA fails at the client.
@Suite("Tenant isolation: two sites with their own CAs")
struct TenantIsolationTests {
    /// One site's `apus serve` for `body`'s length.
    static func withSite(
        _ pki: TestCertificates, aeTitle: String, mutual: Bool, plain: Bool, plainPort: Int,
        _ body: (ServeProcess) async throws -> Void
    ) async throws {
        try await ServeProcess.withRunning(
            settings: [
                "aeTitle": aeTitle, "dicomPort": plainPort, "plainDICOM": plain, "dicomTLSPort": 0,
                "tlsCertificateFile": pki.path("server-1.crt"), "tlsKeyFile": pki.path("server-1.key"),
                "tlsCAFile": pki.path("ca.crt"), "dicomTLSVerifyPeer": mutual,
            ], waitForPlain: plain, waitForTLS: true, body)
    }

    static func storescu(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await DICOMTLSServerTests.dcmtk("storescu", arguments)
    }

    @Test func storesStayInTheirSiteAndForeignCredentialsAreRefused() async throws {
        let (pkiA, pkiB) = (try await TestCertificates.make(), try await TestCertificates.make())
        let plainA = try await Ports.free()
        try await Self.withSite(pkiA, aeTitle: "SITEA", mutual: true, plain: false, plainPort: plainA) { siteA in
            try await Self.withSite(pkiB, aeTitle: "SITEB", mutual: false, plain: true, plainPort: 0) { siteB in
                try await Self.isolated(siteA, siteB, pkiA: pkiA, pkiB: pkiB, plainA: plainA)
            }
        }
    }

    static func isolated(
        _ siteA: ServeProcess, _ siteB: ServeProcess, pkiA: TestCertificates, pkiB: TestCertificates, plainA: Int
    ) async throws {
        let tlsA = try #require(siteA.tlsPort)
        let tlsB = try #require(siteB.tlsPort)
        let plainB = try #require(siteB.dicomPort)
        let files = try ApusServerPeerTests.corpus.filter { $0 != "JPEG2000.dcm" }.prefix(3).map(Corpus.file)
        let credentialsA = DICOMTLSServerTests.clientCertificate(pkiA, "client")
        let credentialsB = DICOMTLSServerTests.clientCertificate(pkiB, "client")

        // A's client, A's CA, A's AE title: stored in A, nothing in B.
        let stored = try await Self.storescu(credentialsA + ["-aec", "SITEA", "127.0.0.1", String(tlsA)] + files)
        #expect(stored.status == 0, "\(stored.errors)")
        #expect(siteA.storedBlobs == files.count)
        #expect(siteB.storedBlobs == 0)

        // B's client certificate (another CA, same CN) at A: the handshake fails, nothing stored.
        let foreign = try await Self.storescu(credentialsB + ["-aec", "SITEA", "127.0.0.1", String(tlsA)] + files)
        #expect(foreign.status != 0)
        // A's client sent to B's listener with A's CA: B's server certificate isn't trusted.
        let misrouted = try await Self.storescu(credentialsA + ["-aec", "SITEB", "127.0.0.1", String(tlsB)] + files)
        #expect(misrouted.status != 0)
        // Anonymous TLS at A, which requires client certificates: refused.
        let anonymousA = try await Self.storescu(
            ["+tla", "+cf", pkiA.path("ca.crt"), "-aec", "SITEA", "127.0.0.1", String(tlsA)] + files)
        #expect(anonymousA.status != 0)
        // Plain DICOM at A: nothing listens.
        let plainAtA = try await Self.storescu(["-aec", "SITEA", "127.0.0.1", String(plainA)] + files)
        #expect(plainAtA.status != 0)
        #expect(!siteA.log.contains("aeTitle=SITEA [ApusServer] DICOM SCP listening"), "\(siteA.log)")
        // The right certificate with the other site's AE title: A answers to SITEA only.
        let wrongTitle = try await Self.storescu(credentialsA + ["-aec", "SITEB", "127.0.0.1", String(tlsA)] + files)
        #expect(wrongTitle.status != 0)
        #expect(
            (wrongTitle.output + wrongTitle.errors).contains("Called AE Title Not Recognized"), "\(wrongTitle.errors)")
        #expect(siteA.storedBlobs == files.count)
        #expect(siteB.storedBlobs == 0)

        // B is configured for anonymous TLS and plain DICOM: both are taken there.
        let anonymousB = try await Self.storescu(
            ["+tla", "+cf", pkiB.path("ca.crt"), "-aec", "SITEB", "127.0.0.1", String(tlsB)] + [files[0]])
        #expect(anonymousB.status == 0, "\(anonymousB.errors)")
        let plainAtB = try await Self.storescu(["-aec", "SITEB", "127.0.0.1", String(plainB)] + [files[1]])
        #expect(plainAtB.status == 0, "\(plainAtB.errors)")
        #expect(siteB.storedBlobs == 2)
        #expect(siteA.storedBlobs == files.count)
    }
}
