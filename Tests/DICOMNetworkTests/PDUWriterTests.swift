import NIOCore
import NIOEmbedded
import Testing

@testable import DICOMNetwork

/// `PDUWriter` puts on the wire exactly what `PDU.encode(into:)` does, whether it gathers a
/// large fragment behind its headers (no copy) or encodes the PDU into one buffer.
@Suite("PDU writer")
struct PDUWriterTests {
    /// The bytes the channel was given for `pdu`, and how many buffers they came in.
    func written(_ pdu: PDU) throws -> (bytes: ByteBuffer, buffers: [ByteBuffer]) {
        let channel = EmbeddedChannel(handler: PDUWriter())
        defer { _ = try? channel.finish() }
        try channel.writeAndFlush(pdu).wait()
        var buffers: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { buffers.append(buffer) }
        var bytes = ByteBuffer()
        for buffer in buffers { bytes.writeImmutableBuffer(buffer) }
        return (bytes, buffers)
    }

    func encoded(_ pdu: PDU) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try pdu.encode(into: &buffer)
        return buffer
    }

    @Test(arguments: [0, 1, 100, PDUWriter.gatherThreshold - 1, PDUWriter.gatherThreshold, 131_066])
    func dataPDUs(fragmentLength: Int) throws {
        let fragment = DIMSETestSupport.pattern(count: fragmentLength, seed: 3)
        for (isCommand, isLast) in [(true, true), (false, false), (false, true)] {
            let pdu = PDU.data([
                PresentationDataValue(contextID: 7, isCommand: isCommand, isLast: isLast, data: fragment)
            ])
            let (bytes, buffers) = try written(pdu)
            #expect(bytes == (try encoded(pdu)))
            let gathered = fragmentLength >= PDUWriter.gatherThreshold
            #expect(buffers.count == (gathered ? 2 : 1))
            if gathered {
                // The fragment itself, not a copy of it.
                #expect(buffers.last?.readableBytes == fragmentLength)
                #expect(buffers.last == fragment)
            }
        }
    }

    @Test func otherPDUsAreEncodedWhole() throws {
        let large = DIMSETestSupport.pattern(count: 10_000)
        let pdus: [PDU] = [
            .releaseRequest, .releaseResponse, .abort(.serviceProvider(.unexpectedPDU)),
            // Two PDVs in one PDU: encoded, not gathered.
            .data([
                PresentationDataValue(contextID: 1, isCommand: true, isLast: true, data: large),
                PresentationDataValue(contextID: 1, isCommand: false, isLast: true, data: large),
            ]),
        ]
        for pdu in pdus {
            let (bytes, buffers) = try written(pdu)
            #expect(buffers.count == 1)
            #expect(bytes == (try encoded(pdu)))
        }
    }
}
