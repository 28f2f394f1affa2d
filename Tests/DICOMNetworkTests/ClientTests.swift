import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Testing

/// Our SCU against our SCP: every client operation, and the errors a peer can cause.
@Suite("Client → our server")
struct ClientTests {
    @Test func echoStoreRelease() async throws {
        let storage = RecordingStorage()
        try await withServer(storage: storage) { port in
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "APUS-SCU", calledAETitle: "APUS",
                presentationContexts: [.verification, ProposedPresentationContext(abstractSyntax: .ctImageStorage)])
            #expect(association.context.presentationContexts.count == 2)
            #expect(association.context.peerImplementationVersionName == Implementation.versionName)
            #expect(try await association.echo() == .success)

            let file = try DICOMFile(contentsOf: Peers.pydicomTestFile("CT_small.dcm"))
            #expect(try await association.store(file) == .success)
            let bytes = ByteBuffer(repeating: 0x41, count: 3)
            #expect(
                try await association.store(
                    dataSet: bytes, sopClass: .ctImageStorage, sopInstance: UID(unchecked: "1.2.3.4"),
                    transferSyntax: .explicitVRLittleEndian) == .success)
            try await association.release()
            await #expect(throws: DICOMClientError.ended(.closed)) { try await association.echo() }
        }
        let received = storage.received
        #expect(received.count == 2)
        let file = try DICOMFile(contentsOf: Peers.pydicomTestFile("CT_small.dcm"))
        #expect(received.first?.bytes == (try file.dataSet.encoded(in: .explicitVRLittleEndian)))
        #expect(received.last?.bytes == ByteBuffer(repeating: 0x41, count: 3))
        #expect(received.first?.context.callingAETitle == "APUS-SCU")
    }

    @Test func storeNeedsAnAcceptedContext() async throws {
        try await withServer(storage: RecordingStorage()) { port in
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS")
            await #expect(
                throws: DICOMClientError.noPresentationContext(
                    abstractSyntax: .ctImageStorage, transferSyntax: .explicitVRLittleEndian)
            ) {
                try await association.store(
                    dataSet: ByteBuffer(), sopClass: .ctImageStorage, sopInstance: UID(unchecked: "1.2"),
                    transferSyntax: .explicitVRLittleEndian)
            }
            await association.abort()
        }
    }

    @Test func rejectionCarriesTheReason() async throws {
        try await withServer { port in
            await #expect(
                throws: DICOMClientError.rejected(
                    AssociateReject(result: .permanent, source: .serviceUser(.calledAETitleNotRecognized)))
            ) {
                _ = try await DICOMClient.connect(
                    host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "WRONG")
            }
        }
    }

    @Test func associationLimit() async throws {
        var policy = testPolicy()
        policy.maximumAssociations = 1
        try await withServer(policy: policy) { port in
            let first = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS")
            await #expect(
                throws: DICOMClientError.rejected(
                    AssociateReject(result: .transient, source: .serviceProviderPresentation(.localLimitExceeded)))
            ) {
                _ = try await DICOMClient.connect(
                    host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS")
            }
            try await first.release()
            // The place is free again once the first association is over.
            try await eventually {
                let again = try await DICOMClient.connect(
                    host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS")
                try await again.release()
            }
        }
    }

    @Test func findAndCancel() async throws {
        let query = FixedQuery(count: 5)
        try await withServer(query: query) { port in
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS",
                presentationContexts: [
                    .verification,
                    ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelFind),
                ])
            var keys = DataSet()
            keys.set(.queryRetrieveLevel, vr: .CS, string: "STUDY")
            keys.set(.patientName, vr: .PN, string: "")
            var names: [String] = []
            for try await match in association.find(keys) {
                names.append(match.string(.patientName) ?? "")
            }
            #expect(names == (0..<5).map { "Patient^\($0)" })

            // Stop after two: the next operation cancels the rest.
            var seen = 0
            for try await _ in association.find(keys) {
                seen += 1
                if seen == 2 { break }
            }
            #expect(try await association.echo() == .success)
            try await association.release()
        }
    }

    @Test func responseTimeoutAborts() async throws {
        try await withServer(verification: SlowVerification()) { port in
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS",
                options: .init(responseTimeout: .milliseconds(200)))
            await #expect(throws: DICOMClientError.timedOut(.response)) { try await association.echo() }
            await #expect(throws: DICOMClientError.timedOut(.response)) { try await association.echo() }
        }
    }

    @Test func connectionRefused() async throws {
        let port = try await freePort()
        await #expect(throws: (any Error).self) {
            _ = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS")
        }
    }
}

/// Retries `body` for a second: for state that settles just after a connection closes.
func eventually(_ body: () async throws -> Void) async throws {
    var attempts = 0
    while true {
        do {
            return try await body()
        } catch {
            attempts += 1
            if attempts > 20 { throw error }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// `count` studies, one per patient.
struct FixedQuery: QueryService {
    let count: Int

    func find(_ request: CFindRequest, identifier: DataSet, context: AssociationContext) -> AsyncThrowingStream<
        DataSet, any Error
    > {
        let count = count
        return AsyncThrowingStream { continuation in
            for index in 0..<count {
                var match = DataSet()
                match.set(.queryRetrieveLevel, vr: .CS, string: "STUDY")
                match.set(.patientName, vr: .PN, string: "Patient^\(index)")
                match.set(.studyInstanceUID, vr: .UI, string: "1.2.3.\(index + 1)")
                continuation.yield(match)
            }
            continuation.finish()
        }
    }
}

/// Answers C-ECHO after a long while.
struct SlowVerification: VerificationService {
    func verify(_ request: CEchoRequest, context: AssociationContext) async -> ServiceResult {
        try? await Task.sleep(for: .seconds(5))
        return .success
    }
}
