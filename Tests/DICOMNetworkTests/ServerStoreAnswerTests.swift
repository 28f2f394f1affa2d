import DICOM
import NIOCore
import Testing

@testable import DICOMNetwork

/// The C-STORE-RSP goes out as soon as the data set's last fragment is in, with nothing more
/// from the peer: no further read, no release, wakes it. Both ways the server takes a data set:
/// read whole before the service is called (within one maximum PDU length), or streamed to it.
@Suite("Server: C-STORE answered without further inbound bytes")
struct ServerStoreAnswerTests {
    let raw = ServerAbuseTests()

    static let request = CStoreRequest(
        messageID: 7, affectedSOPClassUID: .ctImageStorage, affectedSOPInstanceUID: UID(unchecked: "1.2.3.4"))

    /// Sends `dataPDUs` after the association is accepted, then only waits: the next PDU must be
    /// the C-STORE-RSP. Then releases, closing on the A-RELEASE-RP as a requestor does. Returns
    /// what the storage service saw.
    func storeThenWait(policy: AssociationPolicy, dataPDUs: (ByteBuffer) throws -> [PDU]) async throws
        -> [ReceivedInstance]
    {
        let storage = RecordingStorage()
        try await withServer(policy: policy, storage: storage) { port in
            let command = try DIMSEMessage.cStoreRequest(Self.request).encoded()
            let pdus = try await raw.exchange(port: port, closeAfter: 1) { outbound, reader in
                try await raw.associate(outbound, &reader)
                var bytes = ByteBuffer()
                for pdu in try dataPDUs(command) { try pdu.encode(into: &bytes) }
                try await outbound.write(bytes)
                // Nothing more is sent until the answer is in (the exchange's timeout ends a wait
                // for an answer that never comes: nil here).
                let answer = try await reader.next()
                guard case .data(let values)? = answer, let value = values.first, values.count == 1,
                    value.isCommand, value.isLast
                else {
                    Issue.record("not a one-PDV command: \(String(describing: answer))")
                    return
                }
                guard case .cStoreResponse(let response) = try DIMSEMessage(decoding: value.data) else {
                    Issue.record("not a C-STORE-RSP")
                    return
                }
                #expect(response.messageIDBeingRespondedTo == 7)
                #expect(response.status == .success)
                try await outbound.write(try raw.bytes(.releaseRequest))
            }
            #expect(pdus == [.releaseResponse])
        }
        return storage.received
    }

    /// Command and whole data set in one P-DATA-TF, as two PDVs.
    @Test func dataSetInTheCommandsPDU() async throws {
        let dataSet = ByteBuffer(repeating: 0x5A, count: 2_000)
        let received = try await storeThenWait(policy: testPolicy()) { command in
            [
                .data([
                    PresentationDataValue(contextID: 3, isCommand: true, isLast: true, data: command),
                    PresentationDataValue(contextID: 3, isCommand: false, isLast: true, data: dataSet),
                ])
            ]
        }
        #expect(received.map(\.bytes) == [dataSet])
    }

    /// A data set of three PDUs, past the server's maximum PDU length: streamed to the service.
    @Test func dataSetLongerThanAPDU() async throws {
        var policy = testPolicy()
        policy.maximumPDULength = 16_384
        let parts = (0..<3).map { ByteBuffer(repeating: UInt8($0 + 1), count: 10_000) }
        let received = try await storeThenWait(policy: policy) { command in
            [.data([PresentationDataValue(contextID: 3, isCommand: true, isLast: true, data: command)])]
                + parts.enumerated().map { index, part in
                    .data([
                        PresentationDataValue(
                            contextID: 3, isCommand: false, isLast: index == parts.count - 1, data: part)
                    ])
                }
        }
        var whole = ByteBuffer()
        for part in parts { whole.writeImmutableBuffer(part) }
        #expect(received.map(\.bytes) == [whole])
        #expect(received.first?.fragmentCount == 3)
    }
}
