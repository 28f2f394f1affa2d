import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Testing

/// Our SCU against DCMTK's storescp and a pynetdicom SCP (Peers/pynetdicom_scp.py).
@Suite("Client → DCMTK and pynetdicom")
struct ClientPeerTests {
    static let storage = [
        ProposedPresentationContext.verification,
        ProposedPresentationContext(abstractSyntax: .ctImageStorage),
        ProposedPresentationContext(abstractSyntax: .mrImageStorage, transferSyntaxes: [.implicitVRLittleEndian]),
    ]

    /// Runs a listening peer on a free port for `body`.
    func withPeer(_ command: (Int) throws -> [String], _ body: (Int) async throws -> Void) async throws {
        let port = try await freePort()
        let peer = try PeerProcess(try command(port))
        defer { peer.terminate() }
        try await waitUntilListening(port: port, process: peer)
        do {
            try await body(port)
        } catch {
            // What the peer said is usually why.
            Issue.record("\(peer.command.joined(separator: " ")) said:\n\(peer.output)")
            throw error
        }
    }

    /// storescp in bit-preserving mode (+B) writes each data set exactly as it arrived.
    @Test func storescp() async throws {
        let storescp = try Peers.dcmtk("storescp")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let large = try DICOMFile(contentsOf: writeLargeInstance(into: directory, pixelBytes: 3 * 1024 * 1024))
        let small = try DICOMFile(contentsOf: Peers.pydicomTestFile("CT_small.dcm"))
        let implicit = try DICOMFile(contentsOf: Peers.pydicomTestFile("MR_small.dcm"))
        let output = directory + "/received"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try await withPeer({ [storescp, "--aetitle", "STORESCP", "+B", "-od", output, "\($0)"] }) { port in
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "APUS", calledAETitle: "STORESCP",
                presentationContexts: Self.storage, maximumPDULength: 16_384)
            #expect(try await association.echo() == .success)
            #expect(try await association.store(small) == .success)
            #expect(try await association.store(large) == .success)
            // MR was accepted in implicit VR only: the explicit file is converted.
            #expect(try await association.store(implicit) == .success)
            try await association.release()
        }
        for (file, syntax) in [
            (small, TransferSyntax.explicitVRLittleEndian), (large, .explicitVRLittleEndian),
            (implicit, .implicitVRLittleEndian),
        ] {
            let instance = try #require(file.dataSet.string(.sopInstanceUID))
            let written = try #require(
                try FileManager.default.contentsOfDirectory(atPath: output).first { $0.hasSuffix(instance) },
                "storescp wrote no file for \(instance)")
            #expect(try dataSetBytes(ofFile: output + "/" + written) == (try file.dataSet.encoded(in: syntax)))
        }
    }

    @Test func storescpRefuses() async throws {
        let storescp = try Peers.dcmtk("storescp")
        try await withPeer({ [storescp, "--aetitle", "STORESCP", "--refuse", "\($0)"] }) { port in
            do {
                _ = try await DICOMClient.connect(
                    host: "127.0.0.1", port: port, callingAETitle: "APUS", calledAETitle: "STORESCP")
                Issue.record("storescp --refuse accepted")
            } catch DICOMClientError.rejected(let reject) {
                #expect(reject.result == .permanent)
            }
        }
    }

    func withPynetdicom(_ body: (Int, String) async throws -> Void) async throws {
        try Peers.requirePynetdicom()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withPeer({ Peers.pythonScript("pynetdicom_scp.py") + ["\($0)", "PYSCP", directory] }) { port in
            try await body(port, directory)
        }
    }

    @Test func pynetdicomEchoStoreFind() async throws {
        let files = try ["CT_small.dcm", "MR_small.dcm"].map { try DICOMFile(contentsOf: Peers.pydicomTestFile($0)) }
        try await withPynetdicom { port, directory in
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "APUS", calledAETitle: "PYSCP",
                presentationContexts: Self.storage + [
                    ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelFind)
                ])
            #expect(try await association.echo() == .success)
            for file in files { #expect(try await association.store(file) == .success) }
            var keys = DataSet()
            keys.set(.queryRetrieveLevel, vr: .CS, string: "STUDY")
            keys.set(.patientName, vr: .PN, string: "")
            var names: [String] = []
            for try await match in association.find(keys) { names.append(match.string(.patientName) ?? "") }
            #expect(names == ["Pynetdicom^0", "Pynetdicom^1", "Pynetdicom^2"])
            try await association.release()

            for file in files {
                let instance = try #require(file.dataSet.string(.sopInstanceUID))
                let syntax = try String(contentsOfFile: directory + "/\(instance).ts", encoding: .utf8)
                let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/\(instance).dcmdata"))
                #expect(
                    ByteBuffer(bytes: bytes)
                        == (try file.dataSet.encoded(in: TransferSyntax(uid: UID(unchecked: syntax)))))
            }
        }
    }

    /// User Identity negotiation (PS3.7 D.3.3.7): pynetdicom accepts the right passcode and
    /// rejects a wrong one.
    @Test func pynetdicomUserIdentity() async throws {
        try await withPynetdicom { port, _ in
            func identity(_ passcode: String) -> UserInformation.UserIdentity {
                UserInformation.UserIdentity(
                    type: .usernameAndPasscode, positiveResponseRequested: true, primaryField: Array("apus".utf8),
                    secondaryField: Array(passcode.utf8))
            }
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "APUS", calledAETitle: "PYSCP",
                userIdentity: identity("secret"))
            // pynetdicom 3.0 sends no server response here although one is asked for (open: see
            // the netperf report); the identity is checked, as the rejection below shows.
            #expect(try await association.echo() == .success)
            try await association.release()
            do {
                _ = try await DICOMClient.connect(
                    host: "127.0.0.1", port: port, callingAETitle: "APUS", calledAETitle: "PYSCP",
                    userIdentity: identity("wrong"))
                Issue.record("a wrong passcode was accepted")
            } catch DICOMClientError.rejected {
                // pynetdicom rejects a wrong identity (transiently).
            }
        }
    }
}
