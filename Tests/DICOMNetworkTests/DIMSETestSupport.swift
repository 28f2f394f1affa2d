import DICOM
import DICOMNetwork
import NIOCore

/// Helpers shared by the DIMSE tests.
enum DIMSETestSupport {
    /// Bytes from hexadecimal text; anything but hex digits is skipped.
    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.filter(\.isHexDigit).utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap {
            UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
        }
    }

    /// A buffer from the element lines of a golden fixture.
    static func buffer(_ parts: [String]) -> ByteBuffer {
        ByteBuffer(bytes: bytes(hex: parts.joined()))
    }

    /// A golden command set as one last command PDV on presentation context 1.
    static func golden(_ parts: [String]) -> [PresentationDataValue] {
        [PresentationDataValue(contextID: 1, isCommand: true, isLast: true, data: buffer(parts))]
    }

    static func buffer(hex: String) -> ByteBuffer {
        ByteBuffer(bytes: bytes(hex: hex))
    }

    /// A buffer of `count` bytes counting up from `seed`, so that misplaced bytes show.
    static func pattern(count: Int, seed: UInt8 = 0) -> ByteBuffer {
        ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 &+ Int(seed)) })
    }

    /// The study-level identifier the golden messages carry.
    static var identifier: ByteBuffer { buffer(hex: DIMSEGolden.identifier) }

    static let ctImageStorage = UID(unchecked: "1.2.840.10008.5.1.4.1.1.2")
    static let studyRootFind = UID(unchecked: "1.2.840.10008.5.1.4.1.2.2.1")
    static let studyRootMove = UID(unchecked: "1.2.840.10008.5.1.4.1.2.2.2")
    static let studyRootGet = UID(unchecked: "1.2.840.10008.5.1.4.1.2.2.3")
    static let instance = UID(unchecked: "1.2.826.0.1.3680043.2.1143.1.2.3")

    /// One message of every DIMSE-C type, with every optional field set, and again with none.
    static let everyMessage: [DIMSEMessage] = [
        .cEchoRequest(CEchoRequest(messageID: 1)),
        .cEchoRequest(CEchoRequest(messageID: 0xFFFF, affectedSOPClassUID: UID(unchecked: "1.2.3"))),
        .cEchoResponse(CEchoResponse(messageIDBeingRespondedTo: 1)),
        .cEchoResponse(
            CEchoResponse(
                messageIDBeingRespondedTo: 2, affectedSOPClassUID: nil, status: .unrecognizedOperation,
                errorComment: "No echo today")),
        .cStoreRequest(
            CStoreRequest(messageID: 3, affectedSOPClassUID: ctImageStorage, affectedSOPInstanceUID: instance)),
        .cStoreRequest(
            CStoreRequest(
                messageID: 4, affectedSOPClassUID: ctImageStorage, affectedSOPInstanceUID: instance, priority: .high,
                moveOriginatorApplicationEntityTitle: "MOVER", moveOriginatorMessageID: 77)),
        .cStoreResponse(
            CStoreResponse(messageIDBeingRespondedTo: 3, affectedSOPClassUID: nil, affectedSOPInstanceUID: nil)),
        .cStoreResponse(
            CStoreResponse(
                messageIDBeingRespondedTo: 4, affectedSOPClassUID: ctImageStorage, affectedSOPInstanceUID: instance,
                status: .dataSetDoesNotMatchSOPClass, offendingElements: [Tag(0x0010, 0x0010), Tag(0x7FE0, 0x0010)],
                errorComment: "Bad pixels")),
        .cFindRequest(CFindRequest(messageID: 5, affectedSOPClassUID: studyRootFind)),
        .cFindRequest(CFindRequest(messageID: 6, affectedSOPClassUID: studyRootFind, priority: .low)),
        .cFindResponse(
            CFindResponse(messageIDBeingRespondedTo: 5, affectedSOPClassUID: studyRootFind, status: .pending)),
        .cFindResponse(CFindResponse(messageIDBeingRespondedTo: 5, affectedSOPClassUID: nil, status: .success)),
        .cFindResponse(
            CFindResponse(
                messageIDBeingRespondedTo: 6, affectedSOPClassUID: studyRootFind, status: .dataSetDoesNotMatchSOPClass,
                offendingElements: [Tag(0x0008, 0x0052)], errorComment: "Unknown level")),
        .cGetRequest(CGetRequest(messageID: 7, affectedSOPClassUID: studyRootGet)),
        .cGetResponse(CGetResponse(messageIDBeingRespondedTo: 7, affectedSOPClassUID: nil, status: .success)),
        .cGetResponse(
            CGetResponse(
                messageIDBeingRespondedTo: 7, affectedSOPClassUID: studyRootGet,
                status: .subOperationsCompleteWithFailures,
                subOperations: SubOperationCounts(remaining: 0, completed: 10, failed: 2, warning: 1),
                offendingElements: [Tag(0x0020, 0x000D)], errorComment: "Two failed", hasDataSet: true)),
        .cMoveRequest(CMoveRequest(messageID: 8, affectedSOPClassUID: studyRootMove, moveDestination: "DEST")),
        .cMoveRequest(
            CMoveRequest(
                messageID: 9, affectedSOPClassUID: studyRootMove, moveDestination: "SIXTEEN_CHARS_AE", priority: .high)),
        .cMoveResponse(
            CMoveResponse(
                messageIDBeingRespondedTo: 8, affectedSOPClassUID: studyRootMove, status: .pending,
                subOperations: SubOperationCounts(remaining: 65_535, completed: 0, failed: 0, warning: 0))),
        .cMoveResponse(
            CMoveResponse(
                messageIDBeingRespondedTo: 9, affectedSOPClassUID: nil, status: .moveDestinationUnknown,
                offendingElements: [Tag(0x0000, 0x0600)], errorComment: "Who is SIXTEEN_CHARS_AE?", hasDataSet: true)),
        .cCancelRequest(CCancelRequest(messageIDBeingRespondedTo: 5)),
    ]
}
