import DICOM
import NIOCore
import NIOEmbedded
import Testing

@testable import DICOMNetwork

@Suite("PDU decoding of hostile input")
struct PDUHostileInputTests {
    static func decode(_ bytes: [UInt8]) throws(PDUError) -> PDU? {
        var buffer = ByteBuffer(bytes: bytes)
        return try PDU.decode(from: &buffer)
    }

    /// `bytes` with the big-endian integer at `offset` replaced.
    static func patching<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, with value: T) -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        buffer.setInteger(value, at: offset)
        return Array(buffer.readableBytesView)
    }

    // MARK: Through the NIO pipeline

    @Test(arguments: GoldenPDU.all)
    func byteByByteThroughTheChannelHandler(golden: GoldenPDU) throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PDUDecoder()))
        for byte in golden.bytes + golden.bytes {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(try channel.readInbound(as: PDU.self) == golden.pdu)
        #expect(try channel.readInbound(as: PDU.self) == golden.pdu)
        #expect(try channel.readInbound(as: PDU.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func encoderAndDecoderInOnePipeline() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(PDUDecoder()), MessageToByteHandler(PDUEncoder()),
        ])
        for golden in GoldenPDU.all {
            try channel.writeOutbound(golden.pdu)
            let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
            #expect(Array(written.readableBytesView) == golden.bytes)
            try channel.writeInbound(written)
            #expect(try channel.readInbound(as: PDU.self) == golden.pdu)
        }
        #expect(try channel.finish().isClean)
    }

    @Test func anOversizedPDUIsRejectedFromItsHeaderAlone() throws {
        // P-DATA-TF announcing 4 GiB - 1: only the 6-byte header is ever sent.
        let header: [UInt8] = [0x04, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PDUDecoder(maximumPDULength: 65_536)))
        #expect(throws: PDUError.pduTooLarge(length: 0xFFFF_FFFF, maximum: 65_536)) {
            try channel.writeInbound(ByteBuffer(bytes: header))
        }
        #expect(throws: PDUError.pduTooLarge(length: 0xFFFF_FFFF, maximum: PDUDecoder.defaultMaximumPDULength)) {
            try Self.decode(header)
        }
        // Exactly the maximum is accepted.
        let atMaximum = Self.patching(GoldenPDU.twoValueData.bytes, at: 2, with: UInt32(32))
        var buffer = ByteBuffer(bytes: atMaximum)
        #expect(try PDU.decode(from: &buffer, maximumLength: 32) == GoldenPDU.twoValueData.pdu)
        buffer = ByteBuffer(bytes: atMaximum)
        #expect(throws: PDUError.pduTooLarge(length: 32, maximum: 31)) {
            try PDU.decode(from: &buffer, maximumLength: 31)
        }
    }

    @Test func aPartialPDUAtEndOfStreamIsAnError() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PDUDecoder()))
        try channel.writeInbound(ByteBuffer(bytes: GoldenPDU.releaseRequest.bytes.prefix(7)))
        #expect(throws: PDUError.truncated(field: "PDU at end of stream", needed: 10, available: 7)) {
            try channel.finish()
        }
    }

    // MARK: Malformed PDUs

    @Test(arguments: [0x00, 0x08, 0x10, 0x50, 0xFF] as [UInt8])
    func unknownPDUTypesAreRejectedAtTheFirstByte(type: UInt8) {
        #expect(throws: PDUError.unknownPDUType(type)) { try Self.decode([type]) }
        #expect(PDUError.unknownPDUType(type).abortReason == .unrecognizedPDU)
    }

    @Test func fixedLengthPDUsMustBeFourBytes() {
        #expect(throws: PDUError.invalidLength(field: "A-RELEASE-RQ PDU-length", length: 0)) {
            try Self.decode([0x05, 0x00, 0x00, 0x00, 0x00, 0x00])
        }
        #expect(throws: PDUError.invalidLength(field: "A-ABORT PDU-length", length: 5)) {
            try Self.decode([0x07, 0x00, 0x00, 0x00, 0x00, 0x05, 0, 0, 0, 0, 0])
        }
    }

    @Test func anItemLongerThanItsPDUIsTruncated() {
        // The Presentation Context Item of the echo request claims 255 bytes more than it has.
        let bytes = Self.patching(GoldenPDU.echoRequest.bytes, at: 101, with: UInt16(0x2E + 0xFF))
        #expect(throws: PDUError.truncated(field: "item 20H in A-ASSOCIATE-RQ", needed: 301, available: 108)) {
            try Self.decode(bytes)
        }
    }

    @Test func aSubItemLongerThanItsItemIsTruncated() {
        // The Implementation Version Name (55H) at offset 192 claims 16 bytes; its item holds 15.
        let bytes = Self.patching(GoldenPDU.echoRequest.bytes, at: 194, with: UInt16(16))
        #expect(throws: PDUError.truncated(field: "item 55H in User Information Item", needed: 16, available: 15)) {
            try Self.decode(bytes)
        }
    }

    @Test func aPDVLongerThanItsPDUIsTruncated() {
        let bytes = Self.patching(GoldenPDU.twoValueData.bytes, at: 24, with: UInt32(11))
        #expect(throws: PDUError.truncated(field: "Presentation-data-value Item", needed: 11, available: 10)) {
            try Self.decode(bytes)
        }
    }

    @Test func aPDUTooShortForTheAssociateHeader() {
        #expect(throws: PDUError.truncated(field: "A-ASSOCIATE-AC Reserved (43-74)", needed: 32, available: 10)) {
            try Self.decode(Self.patching(Array(GoldenPDU.twoContextAccept.bytes.prefix(52)), at: 2, with: UInt32(46)))
        }
    }

    /// An A-ASSOCIATE-RQ from "B" to "A" holding `items`.
    static func request(_ items: [UInt8]...) -> [UInt8] {
        let header = assemble([0x00, 0x01, 0x00, 0x00], aeTitle("A"), aeTitle("B"), Array(repeating: 0, count: 32))
        let body = header + items.flatMap { $0 }
        return assemble([0x01, 0x00], Self.patching([0, 0, 0, 0], at: 0, with: UInt32(body.count)), body)
    }

    static let applicationContext: [UInt8] = [0x10, 0x00, 0x00, 0x15] + ascii("1.2.840.10008.3.1.1.1")

    @Test func zeroLengthItems() throws {
        let request = Self.request
        let applicationContext = Self.applicationContext
        // An empty application context name is not a UID.
        #expect(throws: PDUError.invalidValue(field: "Application-context-name", value: "")) {
            try Self.decode(request([0x10, 0x00, 0x00, 0x00]))
        }
        // An empty presentation context item has no ID.
        #expect(throws: PDUError.truncated(field: "Presentation-context-ID", needed: 1, available: 0)) {
            try Self.decode(request(applicationContext, [0x20, 0x00, 0x00, 0x00]))
        }
        // A context with no abstract syntax.
        #expect(throws: PDUError.invalidItem(type: 0x30, parent: "Presentation Context Item (20H)", problem: .missing))
        {
            try Self.decode(request(applicationContext, [0x20, 0x00, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00]))
        }
        // An empty Maximum Length sub-item.
        #expect(throws: PDUError.invalidLength(field: "Maximum Length Sub-Item Item-length", length: 0)) {
            try Self.decode(request(applicationContext, [0x50, 0x00, 0x00, 0x04, 0x51, 0x00, 0x00, 0x00]))
        }
        // An empty user information item, and none at all: both read as no sub-items.
        let empty = AssociateRequest(calledAETitle: "A", callingAETitle: "B", presentationContexts: [])
        #expect(try Self.decode(request(applicationContext, [0x50, 0x00, 0x00, 0x00])) == .associateRequest(empty))
        #expect(try Self.decode(request(applicationContext)) == .associateRequest(empty))
        // No application context.
        #expect(throws: PDUError.invalidItem(type: 0x10, parent: "A-ASSOCIATE-RQ", problem: .missing)) {
            try Self.decode(request([0x50, 0x00, 0x00, 0x00]))
        }
        // Two application contexts.
        #expect(throws: PDUError.invalidItem(type: 0x10, parent: "A-ASSOCIATE-RQ", problem: .duplicate)) {
            try Self.decode(request(applicationContext, applicationContext))
        }
        // An accept's context item in a request.
        #expect(throws: PDUError.invalidItem(type: 0x21, parent: "A-ASSOCIATE-RQ", problem: .unexpected)) {
            try Self.decode(request(applicationContext, [0x21, 0x00, 0x00, 0x00]))
        }
        // Item types the standard does not define are skipped.
        #expect(
            try Self.decode(request(applicationContext, [0x77, 0x00, 0x00, 0x02, 0xAB, 0xCD]))
                == .associateRequest(empty))
        // A PDV item of length 0 or 1 has no room for its context ID and header; an empty P-DATA-TF has no PDV.
        #expect(throws: PDUError.invalidLength(field: "PDV Item-length", length: 1)) {
            try Self.decode([0x04, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x01])
        }
        #expect(try Self.decode([0x04, 0x00, 0x00, 0x00, 0x00, 0x00]) == .data([]))
    }

    @Test func uidsMayCarryPaddingButNothingElse() throws {
        func abstractSyntax(_ name: [UInt8]) throws(PDUError) -> UID? {
            let item = assemble(
                [0x20, 0x00, 0x00, UInt8(8 + name.count), 0x01, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, UInt8(name.count)],
                name)
            guard case .associateRequest(let request) = try Self.decode(Self.request(Self.applicationContext, item))
            else {
                return nil
            }
            return request.presentationContexts.first?.abstractSyntax
        }
        // NUL padding (PS3.5 §9.1) and the space padding some peers use instead are dropped.
        #expect(try abstractSyntax(ascii("1.2.840.10008.1.1") + [0x00]) == .verification)
        #expect(try abstractSyntax(ascii("1.2.840.10008.1.1 ")) == .verification)
        // Leading zeros break PS3.5 but not the framing: kept for the association layer to judge.
        #expect(try abstractSyntax(ascii("1.2.03")) == UID(unchecked: "1.2.03"))
        // Anything but digits and dots, and more than 64 characters, is not a UID.
        #expect(throws: PDUError.invalidValue(field: "Abstract-syntax-name", value: "1.X")) {
            try abstractSyntax(ascii("1.X"))
        }
        #expect(throws: PDUError.invalidValue(field: "Abstract-syntax-name", value: "1.2\u{0}3")) {
            try abstractSyntax(ascii("1.2") + [0x00] + ascii("3"))
        }
        let long = String(repeating: "1.", count: 32) + "1"
        #expect(throws: PDUError.invalidValue(field: "Abstract-syntax-name", value: long)) {
            try abstractSyntax(ascii(long))
        }
    }

    // MARK: Random mutations

    /// Golden and captured PDUs to mutate (the large captures are left out to keep this quick).
    static let seeds: [[UInt8]] =
        GoldenPDU.all.map(\.bytes) + [
            CapturedPDU.dcmtkEchoRequest, CapturedPDU.dcmtkEchoAccept, CapturedPDU.dcmtkEchoCommand,
            CapturedPDU.pynetdicomRequest, CapturedPDU.pynetdicomAccept,
        ]

    static func mutate(_ bytes: [UInt8], _ random: inout RandomPDUs) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<random.int(1...4) {
            guard !bytes.isEmpty else { break }
            let index = random.int(0...bytes.count - 1)
            switch random.int(0...6) {
            case 0: bytes[index] = random.byte()
            case 1: bytes[index] ^= 1 << UInt8(random.int(0...7))
            case 2: bytes[index] = [0x00, 0xFF, 0x7F, 0x80][random.int(0...3)]
            case 3: bytes.removeSubrange(index..<min(bytes.count, index + random.int(1...8)))
            case 4: bytes.insert(contentsOf: random.bytes(1...8), at: index)
            case 5: bytes = Array(bytes.prefix(index))
            default:
                // Nudge a 2-byte length-like field by a small amount.
                guard index + 1 < bytes.count else { break }
                let value = Int(bytes[index]) << 8 + Int(bytes[index + 1]) + random.int(-3...3)
                bytes[index] = UInt8(truncatingIfNeeded: value >> 8)
                bytes[index + 1] = UInt8(truncatingIfNeeded: value)
            }
        }
        // Half the time make the PDU-length agree with the bytes left, so the body parser sees the damage.
        if random.bool(), bytes.count >= 6 {
            bytes = patching(bytes, at: 2, with: UInt32(bytes.count - 6))
        }
        return bytes
    }

    @Test func tenThousandMutationsEndInAPDUOrATypedError() throws {
        var random = RandomPDUs(seed: 0xD1C0)
        var outcomes = (decoded: 0, incomplete: 0, rejected: 0)
        for iteration in 0..<10_000 {
            let seed = Self.seeds[iteration % Self.seeds.count]
            let mutated = Self.mutate(seed, &random)
            var buffer = ByteBuffer(bytes: mutated)
            // Typed throws: the decoder can only end in a PDU, nil or a PDUError (or trap, which fails the run).
            switch Result(catching: { () throws(PDUError) in try PDU.decode(from: &buffer, maximumLength: 1 << 20) }) {
            case .success(let pdu?):
                outcomes.decoded += 1
                // What decodes re-encodes to something that decodes to the same PDU.
                let reencoded = try pdu.encodedBytes()
                #expect(try PDU.decodeWhole(reencoded) == pdu, "mutation \(iteration): \(mutated)")
            case .success(nil):
                outcomes.incomplete += 1
            case .failure(let error):
                outcomes.rejected += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(outcomes.decoded > 500 && outcomes.incomplete > 500 && outcomes.rejected > 500, "\(outcomes)")
    }

    @Test func mutationsDeliveredInRandomChunksMatchWholeDecoding() throws {
        var random = RandomPDUs(seed: 7)
        for iteration in 0..<500 {
            let mutated = Self.mutate(Self.seeds[iteration % Self.seeds.count], &random)
            var whole = ByteBuffer(bytes: mutated)
            let expected = Result(catching: { () throws(PDUError) in try PDU.decode(from: &whole) })
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(PDUDecoder()))
            var offset = 0
            var failure: (any Error)?
            while offset < mutated.count, failure == nil {
                let end = min(mutated.count, offset + random.int(1...40))
                do { try channel.writeInbound(ByteBuffer(bytes: mutated[offset..<end])) } catch { failure = error }
                offset = end
            }
            switch expected {
            case .success(let pdu?):
                #expect(try channel.readInbound(as: PDU.self) == pdu)
            case .success(nil):
                #expect(failure == nil)
                #expect(try channel.readInbound(as: PDU.self) == nil)
            case .failure(let error):
                #expect(failure as? PDUError == error)
            }
            _ = try? channel.finish()
        }
    }
}
