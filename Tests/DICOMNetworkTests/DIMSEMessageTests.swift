import DICOM
import DICOMNetwork
import NIOCore
import Testing

/// One golden command set and the message it is.
struct GoldenCommand: Sendable, CustomTestStringConvertible {
    let name: String
    let parts: [String]
    let message: DIMSEMessage

    var testDescription: String { name }
    var bytes: ByteBuffer { DIMSETestSupport.buffer(parts) }

    static let all: [GoldenCommand] = {
        typealias S = DIMSETestSupport
        return [
            GoldenCommand(
                name: "C-ECHO-RQ", parts: DIMSEGolden.cEchoRequest, message: .cEchoRequest(CEchoRequest(messageID: 1))),
            GoldenCommand(
                name: "C-ECHO-RSP", parts: DIMSEGolden.cEchoResponse,
                message: .cEchoResponse(CEchoResponse(messageIDBeingRespondedTo: 1))),
            GoldenCommand(
                name: "C-STORE-RQ", parts: DIMSEGolden.cStoreRequest,
                message: .cStoreRequest(
                    CStoreRequest(
                        messageID: 7, affectedSOPClassUID: S.ctImageStorage, affectedSOPInstanceUID: S.instance,
                        priority: .low, moveOriginatorApplicationEntityTitle: "MOVESCU", moveOriginatorMessageID: 3))),
            GoldenCommand(
                name: "C-STORE-RSP", parts: DIMSEGolden.cStoreResponse,
                message: .cStoreResponse(
                    CStoreResponse(
                        messageIDBeingRespondedTo: 7, affectedSOPClassUID: S.ctImageStorage,
                        affectedSOPInstanceUID: S.instance, status: .coercionOfDataElements))),
            GoldenCommand(
                name: "C-STORE-RSP failure", parts: DIMSEGolden.cStoreFailureResponse,
                message: .cStoreResponse(
                    CStoreResponse(
                        messageIDBeingRespondedTo: 8, affectedSOPClassUID: S.ctImageStorage,
                        affectedSOPInstanceUID: S.instance, status: DIMSEStatus(rawValue: 0xA900),
                        offendingElements: [DICOM.Tag(0x0010, 0x0010), DICOM.Tag(0x0010, 0x0020)],
                        errorComment: "Patient mismatch"
                    ))),
            GoldenCommand(
                name: "C-FIND-RQ", parts: DIMSEGolden.cFindRequest,
                message: .cFindRequest(
                    CFindRequest(messageID: 2, affectedSOPClassUID: S.studyRootFind, priority: .high))),
            GoldenCommand(
                name: "C-FIND-RSP pending", parts: DIMSEGolden.cFindPendingResponse,
                message: .cFindResponse(
                    CFindResponse(messageIDBeingRespondedTo: 2, affectedSOPClassUID: S.studyRootFind, status: .pending))
            ),
            GoldenCommand(
                name: "C-FIND-RSP final", parts: DIMSEGolden.cFindFinalResponse,
                message: .cFindResponse(
                    CFindResponse(messageIDBeingRespondedTo: 2, affectedSOPClassUID: S.studyRootFind, status: .success))
            ),
            GoldenCommand(
                name: "C-GET-RQ", parts: DIMSEGolden.cGetRequest,
                message: .cGetRequest(CGetRequest(messageID: 4, affectedSOPClassUID: S.studyRootGet))),
            GoldenCommand(
                name: "C-GET-RSP pending", parts: DIMSEGolden.cGetPendingResponse,
                message: .cGetResponse(
                    CGetResponse(
                        messageIDBeingRespondedTo: 4, affectedSOPClassUID: S.studyRootGet, status: .pending,
                        subOperations: SubOperationCounts(remaining: 9, completed: 1, failed: 0, warning: 0)))),
            GoldenCommand(
                name: "C-MOVE-RQ", parts: DIMSEGolden.cMoveRequest,
                message: .cMoveRequest(
                    CMoveRequest(messageID: 5, affectedSOPClassUID: S.studyRootMove, moveDestination: "STORESCP"))),
            GoldenCommand(
                name: "C-MOVE-RSP warning", parts: DIMSEGolden.cMoveWarningResponse,
                message: .cMoveResponse(
                    CMoveResponse(
                        messageIDBeingRespondedTo: 5, affectedSOPClassUID: S.studyRootMove,
                        status: .subOperationsCompleteWithFailures,
                        subOperations: SubOperationCounts(completed: 8, failed: 2, warning: 0), hasDataSet: true))),
            GoldenCommand(
                name: "C-CANCEL-RQ", parts: DIMSEGolden.cCancelRequest,
                message: .cCancelRequest(CCancelRequest(messageIDBeingRespondedTo: 2))),
        ] + dcmtk
    }()

    /// Captured from DCMTK 3.6.7's tools on the wire.
    static let dcmtk: [GoldenCommand] = {
        typealias S = DIMSETestSupport
        let noMoreCounts = SubOperationCounts(completed: 0, failed: 0, warning: 0)
        return [
            GoldenCommand(
                name: "DCMTK echoscu C-ECHO-RQ", parts: DIMSEGolden.dcmtkEchoRequest,
                message: .cEchoRequest(CEchoRequest(messageID: 1))),
            GoldenCommand(
                name: "DCMTK storescu C-STORE-RQ", parts: DIMSEGolden.dcmtkStoreRequest,
                message: .cStoreRequest(
                    CStoreRequest(
                        messageID: 1, affectedSOPClassUID: S.ctImageStorage, affectedSOPInstanceUID: S.instance))),
            GoldenCommand(
                name: "DCMTK findscu C-FIND-RQ", parts: DIMSEGolden.dcmtkFindRequest,
                message: .cFindRequest(CFindRequest(messageID: 1, affectedSOPClassUID: S.studyRootFind))),
            GoldenCommand(
                name: "DCMTK findscu C-CANCEL-RQ", parts: DIMSEGolden.dcmtkCancelRequest,
                message: .cCancelRequest(CCancelRequest(messageIDBeingRespondedTo: 1))),
            GoldenCommand(
                name: "DCMTK getscu C-GET-RQ", parts: DIMSEGolden.dcmtkGetRequest,
                message: .cGetRequest(CGetRequest(messageID: 1, affectedSOPClassUID: S.studyRootGet))),
            GoldenCommand(
                name: "DCMTK movescu C-MOVE-RQ", parts: DIMSEGolden.dcmtkMoveRequest,
                message: .cMoveRequest(
                    CMoveRequest(messageID: 1, affectedSOPClassUID: S.studyRootMove, moveDestination: "STORESCP"))),
            GoldenCommand(
                name: "DCMTK dcmqrscp C-ECHO-RSP", parts: DIMSEGolden.dcmtkEchoResponse,
                message: .cEchoResponse(CEchoResponse(messageIDBeingRespondedTo: 1))),
            GoldenCommand(
                name: "DCMTK dcmqrscp C-STORE-RSP", parts: DIMSEGolden.dcmtkStoreResponse,
                message: .cStoreResponse(
                    CStoreResponse(
                        messageIDBeingRespondedTo: 7, affectedSOPClassUID: S.ctImageStorage,
                        affectedSOPInstanceUID: S.instance))),
            GoldenCommand(
                name: "DCMTK dcmqrscp C-FIND-RSP pending", parts: DIMSEGolden.dcmtkFindPendingResponse,
                message: .cFindResponse(
                    CFindResponse(messageIDBeingRespondedTo: 2, affectedSOPClassUID: S.studyRootFind, status: .pending))
            ),
            GoldenCommand(
                name: "DCMTK dcmqrscp C-FIND-RSP final", parts: DIMSEGolden.dcmtkFindFinalResponse,
                message: .cFindResponse(
                    CFindResponse(messageIDBeingRespondedTo: 2, affectedSOPClassUID: S.studyRootFind, status: .success))
            ),
            GoldenCommand(
                name: "DCMTK dcmqrscp C-STORE-RQ of a C-GET", parts: DIMSEGolden.dcmtkGetStoreRequest,
                message: .cStoreRequest(
                    CStoreRequest(
                        messageID: 1, affectedSOPClassUID: S.ctImageStorage, affectedSOPInstanceUID: S.instance,
                        priority: .low))),
            GoldenCommand(
                name: "DCMTK dcmqrscp C-GET-RSP final", parts: DIMSEGolden.dcmtkGetFinalResponse,
                message: .cGetResponse(
                    CGetResponse(
                        messageIDBeingRespondedTo: 4, affectedSOPClassUID: S.studyRootGet, status: .success,
                        subOperations: SubOperationCounts(completed: 1, failed: 0, warning: 0)))),
            GoldenCommand(
                name: "DCMTK dcmqrscp C-MOVE-RSP failure", parts: DIMSEGolden.dcmtkMoveFailureResponse,
                message: .cMoveResponse(
                    CMoveResponse(
                        messageIDBeingRespondedTo: 5, affectedSOPClassUID: S.studyRootMove,
                        status: .moveDestinationUnknown, subOperations: noMoreCounts))),
        ]
    }()
}

@Suite("DIMSE command sets")
struct DIMSEMessageTests {
    typealias S = DIMSETestSupport

    @Test func echoRequestBytesWrittenByHand() throws {
        // C-ECHO-RQ, message ID 1, as DCMTK's echoscu and pynetdicom send it: Implicit VR
        // Little Endian, each element tag (group, element: 2 bytes each, LE), 4-byte length, value.
        let expected: [UInt8] = [
            0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,  // (0000,0000) Command Group Length, 4 bytes:
            0x38, 0x00, 0x00, 0x00,  //   56 bytes follow
            0x00, 0x00, 0x02, 0x00, 0x12, 0x00, 0x00, 0x00,  // (0000,0002) Affected SOP Class UID, 18 bytes:
            0x31, 0x2E, 0x32, 0x2E, 0x38, 0x34, 0x30, 0x2E, 0x31,  //   "1.2.840.1"
            0x30, 0x30, 0x30, 0x38, 0x2E, 0x31, 0x2E, 0x31, 0x00,  //   "0008.1.1" and NUL padding
            0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00,  // (0000,0100) Command Field, 2 bytes:
            0x30, 0x00,  //   0x0030 C-ECHO-RQ
            0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00,  // (0000,0110) Message ID, 2 bytes:
            0x01, 0x00,  //   1
            0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00,  // (0000,0800) Command Data Set Type, 2 bytes:
            0x01, 0x01,  //   0x0101: no data set
        ]
        let message = DIMSEMessage.cEchoRequest(CEchoRequest(messageID: 1))
        #expect(Array(try message.encoded().readableBytesView) == expected)
        #expect(S.bytes(hex: DIMSEGolden.cEchoRequest.joined()) == expected)
        #expect(try DIMSEMessage(decoding: ByteBuffer(bytes: expected)) == message)
    }

    @Test(arguments: GoldenCommand.all)
    func goldenCommandSetsDecode(_ golden: GoldenCommand) throws {
        #expect(try DIMSEMessage(decoding: golden.bytes) == golden.message)
    }

    @Test(arguments: GoldenCommand.all)
    func commandSetsEncodeAsPynetdicomAndDCMTKDo(_ golden: GoldenCommand) throws {
        #expect(try golden.message.encoded() == golden.bytes)
    }

    @Test func unknownMessagesKeepTheirCommandSet() throws {
        let bytes = S.buffer(DIMSEGolden.nEventReportRequest)
        let message = try DIMSEMessage(decoding: bytes)
        guard case .unknown(let field, let commandSet) = message else {
            Issue.record("expected unknown, got \(message)")
            return
        }
        #expect(field == .nEventReportRequest)
        #expect(message.commandField == .nEventReportRequest)
        #expect(message.hasDataSet)
        #expect(message.command == nil)
        #expect(commandSet.int(.eventTypeID) == 1)
        #expect(try message.encoded() == bytes)
    }

    @Test(arguments: DIMSETestSupport.everyMessage)
    func roundTripThroughBytes(_ message: DIMSEMessage) throws {
        let bytes = try message.encoded()
        #expect(try DIMSEMessage(decoding: bytes) == message)
        // Command Group Length counts the bytes after its own element.
        #expect(bytes.getInteger(at: 8, endianness: .little, as: UInt32.self) == UInt32(bytes.readableBytes - 12))
    }

    @Test(arguments: DIMSETestSupport.everyMessage)
    func roundTripThroughCommandSet(_ message: DIMSEMessage) throws {
        let commandSet = message.commandSet
        #expect(try DIMSEMessage(commandSet: commandSet) == message)
        #expect(commandSet.int(.commandField) == Int(message.commandField.rawValue))
        let encoded = try message.encoded()
        #expect(commandSet.int(.commandGroupLength) == encoded.readableBytes - 12)
        #expect(commandSet.int(.commandDataSetType) == (message.hasDataSet ? 0x0001 : 0x0101))
        #expect(commandSet.tags.allSatisfy { $0.group == 0x0000 })
    }

    @Test func messagesKnowWhetherADataSetFollows() {
        let withDataSet = S.everyMessage.filter(\.hasDataSet).map(\.commandField.description)
        #expect(
            withDataSet == [
                "C-STORE-RQ", "C-STORE-RQ", "C-FIND-RQ", "C-FIND-RQ", "C-FIND-RSP", "C-GET-RQ", "C-GET-RSP",
                "C-MOVE-RQ", "C-MOVE-RQ", "C-MOVE-RSP",
            ])
    }

    @Test func typedCommandsDecodeTheirOwnCommandSets() throws {
        let request = CStoreRequest(
            messageID: 12, affectedSOPClassUID: S.ctImageStorage, affectedSOPInstanceUID: S.instance)
        #expect(try CStoreRequest(commandSet: request.commandSet) == request)
        #expect(CStoreRequest.commandField == .cStoreRequest)
        let response = CStoreResponse(respondingTo: request, status: .outOfResources)
        #expect(response.messageIDBeingRespondedTo == 12)
        #expect(response.affectedSOPInstanceUID == S.instance)
        #expect(throws: DIMSEError.unexpectedCommandField(expected: .cEchoRequest, found: .cStoreRequest)) {
            try CEchoRequest(commandSet: request.commandSet)
        }
    }
}

@Suite("DIMSE command set validation")
struct DIMSEValidationTests {
    typealias S = DIMSETestSupport

    /// Every element each message requires (PS3.7 §9.3), Command Field aside.
    static let required: [(message: DIMSEMessage, tags: [DICOM.Tag])] = [
        (S.everyMessage[0], [.messageID, .affectedSOPClassUID, .commandDataSetType]),
        (S.everyMessage[2], [.messageIDBeingRespondedTo, .status, .commandDataSetType]),
        (
            S.everyMessage[4],
            [.messageID, .affectedSOPClassUID, .affectedSOPInstanceUID, .priority, .commandDataSetType]
        ),
        (S.everyMessage[6], [.messageIDBeingRespondedTo, .status, .commandDataSetType]),
        (S.everyMessage[8], [.messageID, .affectedSOPClassUID, .priority, .commandDataSetType]),
        (S.everyMessage[10], [.messageIDBeingRespondedTo, .status, .commandDataSetType]),
        (S.everyMessage[13], [.messageID, .affectedSOPClassUID, .priority, .commandDataSetType]),
        (S.everyMessage[14], [.messageIDBeingRespondedTo, .status, .commandDataSetType]),
        (S.everyMessage[16], [.messageID, .affectedSOPClassUID, .priority, .moveDestination, .commandDataSetType]),
        (S.everyMessage[18], [.messageIDBeingRespondedTo, .status, .commandDataSetType]),
        (S.everyMessage[20], [.messageIDBeingRespondedTo, .commandDataSetType]),
    ]

    @Test func everyRequiredElementIsRequired() {
        #expect(Set(Self.required.map(\.message.commandField)).count == 11)
        for (message, tags) in Self.required {
            for tag in tags {
                var commandSet = message.commandSet
                commandSet.remove(tag)
                #expect(throws: DIMSEError.missingElement(tag, command: message.commandField)) {
                    try DIMSEMessage(commandSet: commandSet)
                }
                // An empty value is as good as none.
                commandSet.set(tag, vr: .UN, bytes: ByteBuffer())
                #expect(throws: DIMSEError.missingElement(tag, command: message.commandField)) {
                    try DIMSEMessage(commandSet: commandSet)
                }
            }
        }
    }

    @Test func optionalElementsMayBeMissing() throws {
        var commandSet = S.everyMessage[7].commandSet
        for tag in [DICOM.Tag.affectedSOPClassUID, .affectedSOPInstanceUID, .offendingElement, .errorComment] {
            commandSet.remove(tag)
        }
        let expected = CStoreResponse(
            messageIDBeingRespondedTo: 4, affectedSOPClassUID: nil, affectedSOPInstanceUID: nil,
            status: .dataSetDoesNotMatchSOPClass)
        #expect(try DIMSEMessage(commandSet: commandSet) == .cStoreResponse(expected))
    }

    @Test func commandFieldIsRequired() {
        var commandSet = S.everyMessage[0].commandSet
        commandSet.remove(.commandField)
        #expect(throws: DIMSEError.missingCommandField) { try DIMSEMessage(commandSet: commandSet) }
        commandSet.set(.commandField, vr: .UL, integers: [0x30])
        #expect(throws: DIMSEError.missingCommandField) { try DIMSEMessage(commandSet: commandSet) }
    }

    @Test func unknownMessagesNeedADataSetType() {
        var commandSet = DataSet()
        commandSet.set(.commandField, vr: .US, integers: [0x0130])
        #expect(throws: DIMSEError.missingElement(.commandDataSetType, command: .nActionRequest)) {
            try DIMSEMessage(commandSet: commandSet)
        }
        commandSet.set(.commandDataSetType, vr: .US, integers: [0x0101])
        #expect((try? DIMSEMessage(commandSet: commandSet))?.hasDataSet == false)
    }

    @Test func malformedValuesAreRefusedWithTheirTag() {
        let store = S.everyMessage[4]
        var commandSet = store.commandSet
        commandSet.set(.priority, vr: .US, integers: [3])
        #expect(
            throws: DIMSEError.invalidValue(
                .priority, command: .cStoreRequest, reason: "0x0003 is not LOW, MEDIUM or HIGH")
        ) {
            try DIMSEMessage(commandSet: commandSet)
        }
        commandSet = store.commandSet
        commandSet.set(.messageID, vr: .UL, integers: [3])
        #expect(
            throws: DIMSEError.invalidValue(.messageID, command: .cStoreRequest, reason: "value length 4, expected 2")
        ) {
            try DIMSEMessage(commandSet: commandSet)
        }
        commandSet = store.commandSet
        commandSet.set(.affectedSOPInstanceUID, vr: .UI, string: "1.2.abc")
        #expect(
            throws: DIMSEError.invalidValue(
                .affectedSOPInstanceUID, command: .cStoreRequest, reason: "\"1.2.abc\" is not a UID")
        ) {
            try DIMSEMessage(commandSet: commandSet)
        }
        commandSet = S.everyMessage[7].commandSet
        commandSet.set(.offendingElement, vr: .AT, bytes: ByteBuffer(bytes: [0x10, 0x00]))
        #expect(
            throws: DIMSEError.invalidValue(
                .offendingElement, command: .cStoreResponse, reason: "value length 2, expected a multiple of 4")
        ) {
            try DIMSEMessage(commandSet: commandSet)
        }
    }

    @Test func uidsWithLeadingZerosAreAccepted() throws {
        // Old modalities send them; DCMTK and pynetdicom take them, and so does Apus.
        var commandSet = S.everyMessage[4].commandSet
        commandSet.set(.affectedSOPInstanceUID, vr: .UI, string: "1.2.03.4")
        guard case .cStoreRequest(let request) = try DIMSEMessage(commandSet: commandSet) else {
            Issue.record("not a C-STORE-RQ")
            return
        }
        #expect(request.affectedSOPInstanceUID.rawValue == "1.2.03.4")
    }

    @Test func dataSetTypeMustMatchTheMessage() {
        var echo = S.everyMessage[0].commandSet
        echo.set(.commandDataSetType, vr: .US, integers: [0x0001])
        #expect(throws: DIMSEError.dataSetTypeMismatch(command: .cEchoRequest, dataSetType: 0x0001)) {
            try DIMSEMessage(commandSet: echo)
        }
        var store = S.everyMessage[4].commandSet
        store.set(.commandDataSetType, vr: .US, integers: [0x0101])
        #expect(throws: DIMSEError.dataSetTypeMismatch(command: .cStoreRequest, dataSetType: 0x0101)) {
            try DIMSEMessage(commandSet: store)
        }
    }

    @Test(arguments: [0x0000, 0x0001, 0x0102, 0xFEFE, 0xFFFF])
    func anyDataSetTypeButNullMeansPresent(_ value: Int) throws {
        // PS3.7 E.1: a receiver takes any value other than 0x0101 as "a data set follows".
        var find = S.everyMessage[11].commandSet
        find.set(.commandDataSetType, vr: .US, integers: [value])
        #expect(try DIMSEMessage(commandSet: find).hasDataSet)
        var store = S.everyMessage[4].commandSet
        store.set(.commandDataSetType, vr: .US, integers: [value])
        #expect(try DIMSEMessage(commandSet: store) == S.everyMessage[4])
    }

    @Test func extraElementsAndAStaleGroupLengthAreIgnored() throws {
        let message = S.everyMessage[5]
        var commandSet = message.commandSet
        commandSet.set(.commandGroupLength, vr: .UL, integers: [3])
        commandSet.set(.numberOfMatches, vr: .US, integers: [9])  // retired
        commandSet.set(DICOM.Tag(0x0000, 0x9999), vr: .UN, bytes: ByteBuffer(bytes: [1, 2, 3, 4]))  // undefined
        commandSet.set(.eventTypeID, vr: .US, integers: [1])  // DIMSE-N
        #expect(try DIMSEMessage(commandSet: commandSet) == message)
        var bytes = try message.encoded()
        bytes.setInteger(UInt32(0xFFFF), at: 8, endianness: .little)
        #expect(try DIMSEMessage(decoding: bytes) == message)
        commandSet.remove(.commandGroupLength)
        #expect(try DIMSEMessage(commandSet: commandSet) == message)
    }

    @Test func onlyGroupZeroIsWritten() throws {
        var commandSet = S.everyMessage[0].commandSet
        commandSet.set(.patientID, vr: .LO, string: "STRAY")
        let message = DIMSEMessage.unknown(commandField: .cEchoRequest, commandSet)
        #expect(try message.encoded() == S.everyMessage[0].encoded())
    }

    @Test func malformedBytesAreRefused() throws {
        var bytes = try S.everyMessage[4].encoded()
        bytes.moveWriterIndex(to: bytes.writerIndex - 5)
        #expect {
            try DIMSEMessage(decoding: bytes)
        } throws: { error in
            guard case .malformedCommandSet(.truncated) = error as? DIMSEError else { return false }
            return true
        }
        #expect(throws: DIMSEError.missingCommandField) { try DIMSEMessage(decoding: ByteBuffer()) }
    }

    @Test func damagedCommandSetsThrowAndNeverTrap() {
        // Every truncation and a few thousand byte changes of every golden command set:
        // each decodes or throws a DIMSEError, none traps.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var decoded = 0
        for golden in GoldenCommand.all {
            let bytes = S.bytes(hex: golden.parts.joined())
            for length in 0..<bytes.count {
                if (try? DIMSEMessage(decoding: ByteBuffer(bytes: bytes.prefix(length)))) != nil { decoded += 1 }
            }
            for _ in 0..<200 {
                var damaged = bytes
                for _ in 0...(next() % 3) {
                    damaged[next() % damaged.count] = UInt8(truncatingIfNeeded: next())
                }
                if (try? DIMSEMessage(decoding: ByteBuffer(bytes: damaged))) != nil { decoded += 1 }
            }
        }
        #expect(decoded > 0)
    }

    @Test func errorsSayWhatAndWhere() {
        let missing = DIMSEError.missingElement(.moveDestination, command: .cMoveRequest)
        #expect(missing.description == "C-MOVE-RQ lacks required element (0000,0600)")
        let mismatch = DIMSEError.dataSetTypeMismatch(command: .cFindRequest, dataSetType: 0x0101)
        #expect(mismatch.description.contains("0x0101"))
        #expect(mismatch.description.contains("C-FIND-RQ"))
    }
}
