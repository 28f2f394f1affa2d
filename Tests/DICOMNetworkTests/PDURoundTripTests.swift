import DICOM
import NIOCore
import Testing

@testable import DICOMNetwork

@Suite("PDU round trips")
struct PDURoundTripTests {
    @Test(arguments: 0..<8)
    func decodeOfEncodeIsIdentity(seed: UInt64) throws {
        var random = RandomPDUs(seed: seed)
        for _ in 0..<250 {
            let pdu = random.pdu()
            let bytes = try pdu.encodedBytes()
            #expect(try PDU.decodeWhole(bytes) == pdu, "seed \(seed): \(pdu)")
        }
    }

    @Test func manyPDUsInOneStream() throws {
        var random = RandomPDUs(seed: 42)
        let pdus = (0..<200).map { _ in random.pdu() }
        var stream = ByteBuffer()
        for pdu in pdus { try pdu.encode(into: &stream) }
        var decoded: [PDU] = []
        while let pdu = try PDU.decode(from: &stream) { decoded.append(pdu) }
        #expect(decoded == pdus)
        #expect(stream.readableBytes == 0)
    }

    @Test func encodingAValueTooLongForItsFieldThrowsAndWritesNothing() throws {
        var buffer = ByteBuffer(bytes: [0xAA])
        let request = AssociateRequest(
            calledAETitle: "SCP",
            callingAETitle: "SCU",
            presentationContexts: [],
            userInformation: UserInformation(
                userIdentity: .init(
                    type: .jwt, positiveResponseRequested: false, primaryField: Array(repeating: 1, count: 70_000))
            )
        )
        #expect(throws: PDUError.valueTooLong(field: "Primary-field", length: 70_000, maximum: 65_535)) {
            try PDU.associateRequest(request).encode(into: &buffer)
        }
        #expect(Array(buffer.readableBytesView) == [0xAA])
    }
}
