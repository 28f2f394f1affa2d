import DICOM
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import DICOMNetwork

/// The asynchronous operations window (PS3.7 D.3.3.3): what the acceptor grants, and C-STOREs
/// performed side by side on one association within it.
@Suite("Asynchronous operations window")
struct OperationsWindowTests {
    static func negotiator(window: Int) -> AssociationNegotiator {
        AssociationNegotiator(
            policy: AssociationPolicy(aeTitle: "APUS", operationsWindow: window),
            abstractSyntaxes: [.verification: .decoded, .ctImageStorage: .stored])
    }

    static func request(proposing window: UserInformation.AsynchronousOperationsWindow?) -> AssociateRequest {
        var userInformation = UserInformation(maximumLength: 65_536)
        userInformation.asynchronousOperationsWindow = window
        return AssociateRequest(
            calledAETitle: "APUS", callingAETitle: "MODALITY",
            presentationContexts: [
                PresentationContextProposal(
                    id: 1, abstractSyntax: .verification, transferSyntaxes: [.implicitVRLittleEndian])
            ],
            userInformation: userInformation)
    }

    @Test(
        "the acceptor grants the proposed window up to its own, none when none is proposed, and invokes one at a time",
        arguments: [
            (proposed: UInt16?.none, policy: 16, granted: UInt16?.none, invoked: 1),
            (proposed: 32, policy: 16, granted: 16, invoked: 16),
            (proposed: 4, policy: 16, granted: 4, invoked: 4),
            (proposed: 0, policy: 8, granted: 8, invoked: 8),
            (proposed: 5, policy: 1, granted: 1, invoked: 1),
        ])
    func negotiation(proposed: UInt16?, policy: Int, granted: UInt16?, invoked: Int) throws {
        let outcome = Self.negotiator(window: policy).negotiate(
            Self.request(
                proposing: proposed.map { .init(maximumOperationsInvoked: $0, maximumOperationsPerformed: 3) }),
            admitted: true)
        guard case .accept(let accept, let context) = outcome else {
            Issue.record("rejected: \(outcome)")
            return
        }
        let reply = accept.userInformation.asynchronousOperationsWindow
        #expect(reply?.maximumOperationsInvoked == granted)
        if granted != nil { #expect(reply?.maximumOperationsPerformed == 1) }
        #expect(context.operationsInvoked == invoked)
    }

    /// A storage service that takes a while per instance (as an fsync does) and records how
    /// many it had under way at once.
    final class SlowStorage: StorageService {
        private let state = Mutex<(running: Int, peak: Int, received: [String: ByteBuffer])>((0, 0, [:]))

        var peak: Int { state.withLock { $0.peak } }
        var received: [String: ByteBuffer] { state.withLock { $0.received } }

        func store(_ request: CStoreRequest, dataSet: DataSetStream, context: AssociationContext) async throws
            -> ServiceResult
        {
            state.withLock { state in
                state.running += 1
                state.peak = max(state.peak, state.running)
            }
            defer { state.withLock { $0.running -= 1 } }
            var bytes = ByteBuffer()
            for try await fragment in dataSet { bytes.writeImmutableBuffer(fragment) }
            try await Task.sleep(for: .milliseconds(20))
            let copy = bytes
            state.withLock { $0.received[request.affectedSOPInstanceUID.rawValue] = copy }
            return ServiceResult(status: .success)
        }
    }

    static func item(_ number: Int, bytes: Int) -> StoreItem {
        var data = ByteBuffer()
        for index in 0..<bytes { data.writeInteger(UInt8(truncatingIfNeeded: index &* 7 &+ number)) }
        return StoreItem(
            dataSet: data, sopClass: .ctImageStorage, sopInstance: UID(unchecked: "2.25.\(1_000 + number)"),
            transferSyntax: .explicitVRLittleEndian)
    }

    @Test("C-STOREs within the window are performed side by side, streamed ones too, and every one is answered")
    func storesSideBySide() async throws {
        let storage = SlowStorage()
        var policy = testPolicy()
        policy.operationsWindow = 4
        policy.maximumPDULength = 16_384
        // Small instances (whole within one PDU) and large ones (streamed to the service).
        let items = (0..<24).map { Self.item($0, bytes: $0 % 6 == 5 ? 100_000 : 2_000) }
        try await withServer(policy: policy, storage: storage) { port in
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS",
                presentationContexts: [
                    ProposedPresentationContext(
                        abstractSyntax: .ctImageStorage, transferSyntaxes: [.explicitVRLittleEndian])
                ],
                maximumPDULength: 16_384, options: DICOMClient.Options(operationsWindow: 8))
            #expect(association.context.operationsInvoked == 4)
            let responses = try await association.storeResponses(items)
            #expect(responses.count == items.count)
            for (item, response) in zip(items, responses) {
                #expect(response.status == .success)
                #expect(response.affectedSOPInstanceUID == item.sopInstance)
            }
            try await association.release()
        }
        #expect(storage.peak > 1, "the window was not used")
        #expect(storage.peak <= 4, "more C-STOREs under way than the window allows")
        let received = storage.received
        for item in items { #expect(received[item.sopInstance.rawValue] == item.dataSet) }
    }

    @Test("a client that proposes no window stores one instance at a time")
    func synchronousWithoutWindow() async throws {
        let storage = SlowStorage()
        let items = (0..<6).map { Self.item($0, bytes: 1_000) }
        try await withServer(storage: storage) { port in
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS",
                presentationContexts: [
                    ProposedPresentationContext(
                        abstractSyntax: .ctImageStorage, transferSyntaxes: [.explicitVRLittleEndian])
                ])
            #expect(association.context.operationsInvoked == 1)
            let responses = try await association.storeResponses(items)
            #expect(responses.map(\.status) == Array(repeating: .success, count: items.count))
            try await association.release()
        }
        #expect(storage.peak == 1)
        #expect(storage.received.count == items.count)
    }
}
