import DICOM
import DICOMNetwork
import NIOCore
import Testing

@Suite("DIMSE message assembly from PDVs")
struct DIMSEAssemblerTests {
    typealias S = DIMSETestSupport
    typealias PDV = PresentationDataValue

    static let echo = DIMSEMessage.cEchoRequest(CEchoRequest(messageID: 1))
    static let store = S.everyMessage[5]
    static let find = S.everyMessage[8]

    /// The command set of `message` in `count` fragments of (nearly) equal size.
    static func commandPDVs(_ message: DIMSEMessage, contextID: UInt8 = 1, count: Int = 1) throws -> [PDV] {
        pieces(try message.encoded(), count: count).enumerated().map { index, piece in
            PDV(contextID: contextID, isCommand: true, isLast: index == count - 1, data: piece)
        }
    }

    static func dataPDVs(_ bytes: ByteBuffer, contextID: UInt8 = 1, count: Int = 1) -> [PDV] {
        pieces(bytes, count: count).enumerated().map { index, piece in
            PDV(contextID: contextID, isCommand: false, isLast: index == count - 1, data: piece)
        }
    }

    static func pieces(_ bytes: ByteBuffer, count: Int) -> [ByteBuffer] {
        let size = (bytes.readableBytes + count - 1) / max(count, 1)
        return (0..<count).map { index in
            let start = min(index * size, bytes.readableBytes)
            let length = min(size, bytes.readableBytes - start)
            return bytes.getSlice(at: bytes.readerIndex + start, length: length) ?? ByteBuffer()
        }
    }

    /// Feeds every PDV and collects the events.
    static func feed(_ pdvs: [PDV], into assembler: inout MessageAssembler) throws -> [MessageAssembler.Event] {
        var events: [MessageAssembler.Event] = []
        for pdv in pdvs {
            if let event = try assembler.receive(pdv) { events.append(event) }
        }
        return events
    }

    /// Expects the PDVs to be fine up to the last, which throws `expected`.
    static func expectViolation(
        _ pdvs: [PDV], _ expected: MessageAssemblyError,
        configuration: MessageAssembler.Configuration = MessageAssembler.Configuration(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var assembler = MessageAssembler(configuration: configuration)
        _ = try feed(Array(pdvs.dropLast()), into: &assembler)
        guard let last = pdvs.last else { return }
        #expect(throws: expected, sourceLocation: sourceLocation) { try assembler.receive(last) }
        // The association is over: the assembler keeps refusing.
        let next = PDV(contextID: 1, isCommand: true, isLast: true, data: try Self.echo.encoded())
        #expect(throws: expected, sourceLocation: sourceLocation) { try assembler.receive(next) }
    }

    // MARK: In-order streams

    @Test func commandWithoutDataSet() throws {
        var assembler = MessageAssembler()
        #expect(assembler.isBetweenMessages)
        let events = try Self.feed(try Self.commandPDVs(Self.echo), into: &assembler)
        #expect(events == [.command(contextID: 1, Self.echo)])
        #expect(assembler.isBetweenMessages)
    }

    @Test(arguments: [2, 3, 7])
    func fragmentedCommand(_ count: Int) throws {
        var assembler = MessageAssembler()
        let pdvs = try Self.commandPDVs(Self.store, contextID: 5, count: count)
        for pdv in pdvs.dropLast() {
            #expect(try assembler.receive(pdv) == nil)
            #expect(!assembler.isBetweenMessages)
        }
        let last = try #require(pdvs.last)
        #expect(try assembler.receive(last) == .command(contextID: 5, Self.store))
        #expect(!assembler.isBetweenMessages)  // its data set is still to come
    }

    @Test func storeDataSetIsStreamed() throws {
        var assembler = MessageAssembler()
        let data = S.pattern(count: 1000)
        let dataPDVs = Self.dataPDVs(data, contextID: 3, count: 4)
        let events = try Self.feed(try Self.commandPDVs(Self.store, contextID: 3) + dataPDVs, into: &assembler)
        #expect(
            events == [
                .command(contextID: 3, Self.store),
                .dataFragment(contextID: 3, dataPDVs[0].data, isLast: false),
                .dataFragment(contextID: 3, dataPDVs[1].data, isLast: false),
                .dataFragment(contextID: 3, dataPDVs[2].data, isLast: false),
                .dataFragment(contextID: 3, dataPDVs[3].data, isLast: true),
            ])
        #expect(assembler.isBetweenMessages)
    }

    @Test func streamedFragmentsAreTheReceivedSlices() throws {
        var assembler = MessageAssembler()
        _ = try Self.feed(try Self.commandPDVs(Self.store), into: &assembler)
        let pdu = S.pattern(count: 64)
        let slice = try #require(pdu.getSlice(at: 10, length: 40))
        let event = try assembler.receive(PDV(contextID: 1, isCommand: false, isLast: true, data: slice))
        guard case .dataFragment(_, let fragment, _) = event else {
            Issue.record("expected a fragment, got \(String(describing: event))")
            return
        }
        let start = pdu.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let fragmentStart = fragment.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(fragmentStart == start + 10)
    }

    @Test func emptyMiddleFragmentsOfAStreamAreSkipped() throws {
        var assembler = MessageAssembler()
        _ = try Self.feed(try Self.commandPDVs(Self.store), into: &assembler)
        #expect(try assembler.receive(PDV(contextID: 1, isCommand: false, isLast: false, data: ByteBuffer())) == nil)
        #expect(
            try assembler.receive(PDV(contextID: 1, isCommand: false, isLast: true, data: ByteBuffer()))
                == .dataFragment(contextID: 1, ByteBuffer(), isLast: true))
    }

    @Test(arguments: [1, 2, 5])
    func findIdentifierIsAssembled(_ count: Int) throws {
        var assembler = MessageAssembler()
        let dataPDVs = Self.dataPDVs(S.identifier, contextID: 7, count: count)
        let command = try Self.commandPDVs(Self.find, contextID: 7, count: 2)
        var events: [MessageAssembler.Event] = []
        for pdv in command + dataPDVs {
            if let event = try assembler.receive(pdv) {
                events.append(event)
            } else {
                #expect(pdv != command.last && pdv != dataPDVs.last)
            }
        }
        #expect(events == [.command(contextID: 7, Self.find), .dataSet(contextID: 7, S.identifier)])
        guard case .dataSet(_, let bytes) = events.last else { return }
        let identifier = try DataSet(decoding: bytes, transferSyntax: .implicitVRLittleEndian)
        #expect(identifier.string(.queryRetrieveLevel) == "STUDY")
    }

    @Test func deliveryIsConfiguredPerCommand() throws {
        let configuration = MessageAssembler.Configuration(streamedCommands: [.cFindRequest])
        var assembler = MessageAssembler(configuration: configuration)
        let findData = Self.dataPDVs(S.identifier, count: 2)
        let storeData = Self.dataPDVs(S.pattern(count: 10), count: 2)
        let events = try Self.feed(
            try Self.commandPDVs(Self.find) + findData + Self.commandPDVs(Self.store) + storeData, into: &assembler)
        #expect(
            events == [
                .command(contextID: 1, Self.find),
                .dataFragment(contextID: 1, findData[0].data, isLast: false),
                .dataFragment(contextID: 1, findData[1].data, isLast: true),
                .command(contextID: 1, Self.store),
                .dataSet(contextID: 1, S.pattern(count: 10)),
            ])
    }

    @Test func consecutiveMessagesOnDifferentContexts() throws {
        var assembler = MessageAssembler()
        let pdvs =
            try Self.commandPDVs(Self.echo, contextID: 1)
            + Self.commandPDVs(Self.store, contextID: 3, count: 2) + Self.dataPDVs(S.pattern(count: 8), contextID: 3)
            + Self.commandPDVs(Self.find, contextID: 5) + Self.dataPDVs(S.identifier, contextID: 5)
            + Self.commandPDVs(Self.echo, contextID: 255)
        let events = try Self.feed(pdvs, into: &assembler)
        #expect(
            events == [
                .command(contextID: 1, Self.echo),
                .command(contextID: 3, Self.store),
                .dataFragment(contextID: 3, S.pattern(count: 8), isLast: true),
                .command(contextID: 5, Self.find),
                .dataSet(contextID: 5, S.identifier),
                .command(contextID: 255, Self.echo),
            ])
    }

    @Test func unknownCommandsWithADataSet() throws {
        var assembler = MessageAssembler()
        let event = try Self.feed(S.golden(DIMSEGolden.nEventReportRequest), into: &assembler)
        #expect(event.count == 1)
        #expect(!assembler.isBetweenMessages)
        #expect(
            try assembler.receive(PDV(contextID: 1, isCommand: false, isLast: true, data: S.identifier))
                == .dataSet(contextID: 1, S.identifier))
    }

    // MARK: Protocol violations

    @Test func dataBeforeAnyCommand() throws {
        try Self.expectViolation(Self.dataPDVs(S.identifier, contextID: 9), .dataBeforeCommand(contextID: 9))
    }

    @Test func dataBeforeTheCommandsLastFragment() throws {
        let command = try Self.commandPDVs(Self.store, contextID: 3, count: 3)
        try Self.expectViolation(
            Array(command.prefix(2)) + Self.dataPDVs(S.identifier, contextID: 3), .dataBeforeCommand(contextID: 3))
    }

    @Test func commandFragmentOnAnotherContext() throws {
        var command = try Self.commandPDVs(Self.store, contextID: 3, count: 3)
        command[1].contextID = 5
        try Self.expectViolation(Array(command.prefix(2)), .contextMismatch(expected: 3, received: 5))
    }

    @Test func dataFragmentOnAnotherContext() throws {
        let pdvs =
            try Self.commandPDVs(Self.store, contextID: 3) + Self.dataPDVs(S.pattern(count: 30), contextID: 3, count: 2)
        var interleaved = pdvs
        interleaved[2].contextID = 1
        try Self.expectViolation(interleaved, .contextMismatch(expected: 3, received: 1))
        // The same when assembling.
        var find = try Self.commandPDVs(Self.find, contextID: 3) + Self.dataPDVs(S.identifier, contextID: 3, count: 2)
        find[2].contextID = 1
        try Self.expectViolation(find, .contextMismatch(expected: 3, received: 1))
    }

    @Test func dataAfterACommandWithoutDataSet() throws {
        try Self.expectViolation(
            try Self.commandPDVs(Self.echo, contextID: 1) + Self.dataPDVs(S.identifier, contextID: 1),
            .unexpectedDataSet(contextID: 1, command: .cEchoRequest))
        // After a whole data set, a data fragment is again one before a command.
        try Self.expectViolation(
            try Self.commandPDVs(Self.find) + Self.dataPDVs(S.identifier) + Self.dataPDVs(S.identifier),
            .dataBeforeCommand(contextID: 1))
    }

    @Test func newCommandBeforeTheDataSetEnds() throws {
        try Self.expectViolation(
            try Self.commandPDVs(Self.store, contextID: 1) + Self.dataPDVs(S.pattern(count: 20), count: 2).prefix(1)
                + Self.commandPDVs(Self.echo, contextID: 1),
            .commandBeforeDataSetEnd(contextID: 1, command: .cStoreRequest))
        // Also before its first fragment, and on another context.
        try Self.expectViolation(
            try Self.commandPDVs(Self.find, contextID: 1) + Self.commandPDVs(Self.echo, contextID: 3),
            .commandBeforeDataSetEnd(contextID: 3, command: .cFindRequest))
    }

    @Test func invalidCommandSets() throws {
        var commandSet = Self.echo.commandSet
        commandSet.remove(.messageID)
        let broken = DIMSEMessage.unknown(commandField: .cEchoRequest, commandSet)
        try Self.expectViolation(
            try Self.commandPDVs(broken, contextID: 7),
            .invalidCommand(contextID: 7, .missingElement(.messageID, command: .cEchoRequest)))
        let garbage = PDV(contextID: 7, isCommand: true, isLast: true, data: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7]))
        var assembler = MessageAssembler()
        #expect {
            try assembler.receive(garbage)
        } throws: { error in
            guard case .invalidCommand(7, .malformedCommandSet) = error as? MessageAssemblyError else { return false }
            return true
        }
    }

    // MARK: Size bounds

    @Test func commandSetsAreBounded() throws {
        let configuration = MessageAssembler.Configuration(maximumCommandSetLength: 100)
        let store = try Self.commandPDVs(Self.store, count: 4)
        let length = store.prefix(3).reduce(0) { $0 + $1.data.readableBytes }
        #expect(length > 100)
        try Self.expectViolation(
            Array(store.prefix(3)), .commandSetTooLarge(length: length, limit: 100), configuration: configuration)
        // At the limit is fine.
        var assembler = MessageAssembler(
            configuration: MessageAssembler.Configuration(
                maximumCommandSetLength: try Self.echo.encoded().readableBytes))
        #expect(try Self.feed(try Self.commandPDVs(Self.echo, count: 2), into: &assembler).count == 1)
    }

    @Test func theDefaultCommandSetBoundIs64KiB() throws {
        #expect(MessageAssembler.Configuration().maximumCommandSetLength == 65_536)
        let fragment = PDV(contextID: 1, isCommand: true, isLast: false, data: S.pattern(count: 32_768))
        var assembler = MessageAssembler()
        #expect(try assembler.receive(fragment) == nil)
        #expect(try assembler.receive(fragment) == nil)
        #expect(throws: MessageAssemblyError.commandSetTooLarge(length: 65_537, limit: 65_536)) {
            try assembler.receive(PDV(contextID: 1, isCommand: true, isLast: true, data: S.pattern(count: 1)))
        }
    }

    @Test func assembledDataSetsAreBounded() throws {
        let configuration = MessageAssembler.Configuration(maximumAssembledDataSetLength: 20)
        try Self.expectViolation(
            try Self.commandPDVs(Self.find) + Self.dataPDVs(S.identifier, count: 2),
            .dataSetTooLarge(length: 28, limit: 20, command: .cFindRequest), configuration: configuration)
        // Streamed data sets are not: they are never held.
        var assembler = MessageAssembler(configuration: configuration)
        let events = try Self.feed(
            try Self.commandPDVs(Self.store) + Self.dataPDVs(S.pattern(count: 1000), count: 3), into: &assembler)
        #expect(events.count == 4)
    }
}
