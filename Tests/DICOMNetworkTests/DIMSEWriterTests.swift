import DICOM
import DICOMNetwork
import NIOCore
import Testing

@Suite("DIMSE messages into PDVs")
struct DIMSEWriterTests {
    typealias S = DIMSETestSupport
    typealias PDV = PresentationDataValue

    static let store = S.everyMessage[4]

    @Test func maximumLengths() throws {
        #expect(try MessageWriter(maximumPDULength: 16_384).maximumFragmentLength == 16_378)
        #expect(try MessageWriter(maximumPDULength: 7).maximumFragmentLength == 1)
        #expect(try MessageWriter(maximumPDULength: 0).maximumFragmentLength == 0xFFFF_FFF9)
        #expect(try MessageWriter(maximumPDULength: 0xFFFF_FFFF).maximumFragmentLength == 0xFFFF_FFF9)
        for length in [-1, 1, 6, 0x1_0000_0000] {
            #expect(throws: DIMSEError.invalidMaximumPDULength(length)) {
                try MessageWriter(maximumPDULength: length)
            }
        }
    }

    @Test func fragmentsAsPynetdicomCutsThem() throws {
        // pynetdicom's encode_msg(3, 16): 10-byte fragments, command then data set.
        let writer = try MessageWriter(maximumPDULength: 16)
        let golden = try DIMSEMessage(decoding: S.buffer(DIMSEGolden.cStoreRequest))
        let pdvs = try writer.fragments(for: golden, dataSet: S.identifier, contextID: 3)
        let expected = DIMSEGolden.cStoreRequestFragments16.map { contextID, hex in
            let bytes = S.bytes(hex: hex)
            return PDV(
                contextID: contextID, isCommand: bytes[0] & 1 == 1, isLast: bytes[0] & 2 == 2,
                data: ByteBuffer(bytes: bytes.dropFirst()))
        }
        #expect(pdvs == expected)
        #expect(
            pdvs.map(\.messageControlHeader) == DIMSEGolden.cStoreRequestFragments16.map { S.bytes(hex: $0.pdv)[0] })
    }

    @Test(arguments: [0, 1, 16, 33, 16_384, 16_385, 100_003], [7, 16, 22, 255, 4_096, 16_384, 16_390, 0])
    func fragmentsFitAndReassemble(size: Int, maximumPDULength: Int) throws {
        let writer = try MessageWriter(maximumPDULength: maximumPDULength)
        let dataSet = S.pattern(count: size, seed: UInt8(truncatingIfNeeded: size))
        let pdvs = try writer.fragments(for: Self.store, dataSet: dataSet, contextID: 9)
        let limit = maximumPDULength == 0 ? 0xFFFF_FFFF : maximumPDULength
        for pdv in pdvs {
            // PDV item: 4-byte length, context ID, message control header, fragment.
            #expect(4 + 2 + pdv.data.readableBytes <= limit)
            #expect(pdv.contextID == 9)
        }
        let commands = pdvs.prefix { $0.isCommand }
        let data = pdvs.drop { $0.isCommand }
        #expect(data.allSatisfy { !$0.isCommand })
        #expect(commands.map(\.isLast) == Array(repeating: false, count: commands.count - 1) + [true])
        #expect(data.map(\.isLast) == Array(repeating: false, count: data.count - 1) + [true])
        let fragment = writer.maximumFragmentLength
        #expect(data.count == max(1, (size + fragment - 1) / fragment))
        let command = try Self.store.encoded()
        #expect(commands.count == (command.readableBytes + fragment - 1) / fragment)
        #expect(Self.joined(commands) == command)
        #expect(Self.joined(data) == dataSet)

        // What the writer cuts, the assembler puts back together.
        var assembler = MessageAssembler(
            configuration: MessageAssembler.Configuration(maximumAssembledDataSetLength: 1 << 20, streamedCommands: []))
        var events: [MessageAssembler.Event] = []
        for pdv in pdvs {
            if let event = try assembler.receive(pdv) { events.append(event) }
        }
        #expect(events == [.command(contextID: 9, Self.store), .dataSet(contextID: 9, dataSet)])
    }

    @Test(arguments: DIMSETestSupport.everyMessage)
    func everyMessageSurvivesTheTrip(_ message: DIMSEMessage) throws {
        let writer = try MessageWriter(maximumPDULength: 32)
        let pdvs = try writer.fragments(
            for: message, dataSet: message.hasDataSet ? S.identifier : nil, contextID: 1)
        var assembler = MessageAssembler(configuration: MessageAssembler.Configuration(streamedCommands: []))
        var events: [MessageAssembler.Event] = []
        for pdv in pdvs {
            if let event = try assembler.receive(pdv) { events.append(event) }
        }
        #expect(events.first == .command(contextID: 1, message))
        #expect(events.dropFirst() == (message.hasDataSet ? [.dataSet(contextID: 1, S.identifier)] : []))
        #expect(assembler.isBetweenMessages)
    }

    @Test func dataFragmentsAreSlicesNotCopies() throws {
        let writer = try MessageWriter(maximumPDULength: 4_096)
        let dataSet = S.pattern(count: 10_000)
        let base = dataSet.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let pdvs = writer.dataFragments(dataSet, contextID: 1)
        #expect(pdvs.count == 3)
        for (index, pdv) in pdvs.enumerated() {
            let start = pdv.data.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
            #expect(start == base + UInt(index * writer.maximumFragmentLength))
        }
    }

    @Test func dataSetsSentInChunks() throws {
        let writer = try MessageWriter(maximumPDULength: 16)
        let first = writer.dataFragments(S.pattern(count: 25), contextID: 1, isLastChunk: false)
        #expect(first.count == 3)
        #expect(first.allSatisfy { !$0.isLast && !$0.isCommand })
        #expect(writer.dataFragments(ByteBuffer(), contextID: 1, isLastChunk: false).isEmpty)
        let last = writer.dataFragments(S.pattern(count: 5), contextID: 1, isLastChunk: true)
        #expect(last.map(\.isLast) == [true])
        let end = writer.dataFragments(ByteBuffer(), contextID: 1)
        #expect(end == [PDV(contextID: 1, isCommand: false, isLast: true, data: ByteBuffer())])
    }

    @Test func commandAloneForStreaming() throws {
        let writer = try MessageWriter(maximumPDULength: 0)
        let pdvs = try writer.commandFragments(for: Self.store, contextID: 5)
        #expect(pdvs == [PDV(contextID: 5, isCommand: true, isLast: true, data: try Self.store.encoded())])
    }

    @Test func dataSetMustMatchTheCommand() throws {
        let writer = try MessageWriter(maximumPDULength: 16_384)
        let echo = DIMSEMessage.cEchoRequest(CEchoRequest(messageID: 1))
        #expect(throws: DIMSEError.dataSetPresenceMismatch(command: .cEchoRequest, announced: false)) {
            try writer.fragments(for: echo, dataSet: S.identifier, contextID: 1)
        }
        #expect(throws: DIMSEError.dataSetPresenceMismatch(command: .cStoreRequest, announced: true)) {
            try writer.fragments(for: Self.store, contextID: 1)
        }
    }

    static func joined(_ pdvs: some Sequence<PDV>) -> ByteBuffer {
        var buffer = ByteBuffer()
        for pdv in pdvs { buffer.writeImmutableBuffer(pdv.data) }
        return buffer
    }
}
