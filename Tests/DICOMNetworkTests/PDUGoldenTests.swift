import DICOM
import NIOCore
import Testing

@testable import DICOMNetwork

/// A hand-written PDU and what it decodes to.
struct GoldenPDU: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var pdu: PDU
    var testDescription: String { name }
}

extension GoldenPDU {
    static let ct = "1.2.840.10008.5.1.4.1.1.2"

    /// The shape of DCMTK echoscu's request: one context, the three usual sub-items.
    static let echoRequest = GoldenPDU(
        name: "A-ASSOCIATE-RQ from echoscu",
        bytes: assemble(
            // 1 PDU-type 01H, 2 Reserved, 3-6 PDU-length 205
            [0x01, 0x00, 0x00, 0x00, 0x00, 0xCD],
            // 7-8 Protocol-version 1, 9-10 Reserved
            [0x00, 0x01, 0x00, 0x00],
            // 11-26 Called-AE-title, 27-42 Calling-AE-title, 43-74 Reserved
            aeTitle("ANY-SCP"), aeTitle("ECHOSCU"), Array(repeating: 0, count: 32),
            // Application Context Item 10H, length 21
            [0x10, 0x00, 0x00, 0x15], ascii("1.2.840.10008.3.1.1.1"),
            // Presentation Context Item 20H, length 46, ID 1, 3 reserved bytes
            [0x20, 0x00, 0x00, 0x2E, 0x01, 0x00, 0x00, 0x00],
            //   Abstract Syntax Sub-Item 30H, length 17: Verification SOP Class
            [0x30, 0x00, 0x00, 0x11], ascii("1.2.840.10008.1.1"),
            //   Transfer Syntax Sub-Item 40H, length 17: Implicit VR Little Endian
            [0x40, 0x00, 0x00, 0x11], ascii("1.2.840.10008.1.2"),
            // User Information Item 50H, length 58
            [0x50, 0x00, 0x00, 0x3A],
            //   Maximum Length Sub-Item 51H: 16384
            [0x51, 0x00, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00],
            //   Implementation Class UID Sub-Item 52H, length 27
            [0x52, 0x00, 0x00, 0x1B], ascii("1.2.276.0.7230010.3.0.3.6.7"),
            //   Implementation Version Name Sub-Item 55H, length 15
            [0x55, 0x00, 0x00, 0x0F], ascii("OFFIS_DCMTK_367")
        ),
        pdu: .associateRequest(
            AssociateRequest(
                calledAETitle: "ANY-SCP",
                callingAETitle: "ECHOSCU",
                presentationContexts: [
                    PresentationContextProposal(
                        id: 1,
                        abstractSyntax: .verification,
                        transferSyntaxes: [.implicitVRLittleEndian]
                    )
                ],
                userInformation: UserInformation(
                    maximumLength: 16384,
                    implementationClassUID: uid("1.2.276.0.7230010.3.0.3.6.7"),
                    implementationVersionName: "OFFIS_DCMTK_367"
                )
            )
        )
    )

    /// An accept answering two contexts: one accepted, one refused with an empty transfer syntax.
    static let twoContextAccept = GoldenPDU(
        name: "A-ASSOCIATE-AC with two contexts",
        bytes: assemble(
            // 1 PDU-type 02H, 2 Reserved, 3-6 PDU-length 198
            [0x02, 0x00, 0x00, 0x00, 0x00, 0xC6],
            // 7-8 Protocol-version 1, 9-10 Reserved
            [0x00, 0x01, 0x00, 0x00],
            // 11-26, 27-42 the AE titles of the request, 43-74 Reserved
            aeTitle("ANY-SCP"), aeTitle("ECHOSCU"), Array(repeating: 0, count: 32),
            // Application Context Item 10H, length 21
            [0x10, 0x00, 0x00, 0x15], ascii("1.2.840.10008.3.1.1.1"),
            // Presentation Context Item 21H, length 27, ID 1, Result 0 (acceptance)
            [0x21, 0x00, 0x00, 0x1B, 0x01, 0x00, 0x00, 0x00],
            //   Transfer Syntax Sub-Item 40H, length 19: Explicit VR Little Endian
            [0x40, 0x00, 0x00, 0x13], ascii("1.2.840.10008.1.2.1"),
            // Presentation Context Item 21H, length 8, ID 3, Result 4 (transfer syntaxes not supported)
            [0x21, 0x00, 0x00, 0x08, 0x03, 0x00, 0x04, 0x00],
            //   Transfer Syntax Sub-Item 40H, length 0
            [0x40, 0x00, 0x00, 0x00],
            // User Information Item 50H, length 58: 51H 16384, 52H, 55H
            [0x50, 0x00, 0x00, 0x3A],
            [0x51, 0x00, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00],
            [0x52, 0x00, 0x00, 0x1B], ascii("1.2.276.0.7230010.3.0.3.6.7"),
            [0x55, 0x00, 0x00, 0x0F], ascii("OFFIS_DCMTK_367")
        ),
        pdu: .associateAccept(
            AssociateAccept(
                calledAETitle: "ANY-SCP",
                callingAETitle: "ECHOSCU",
                presentationContexts: [
                    PresentationContextResult(id: 1, result: .acceptance, transferSyntax: .explicitVRLittleEndian),
                    PresentationContextResult(id: 3, result: .transferSyntaxesNotSupported, transferSyntax: nil),
                ],
                userInformation: UserInformation(
                    maximumLength: 16384,
                    implementationClassUID: uid("1.2.276.0.7230010.3.0.3.6.7"),
                    implementationVersionName: "OFFIS_DCMTK_367"
                )
            )
        )
    )

    /// A request using every user information sub-item of an A-ASSOCIATE-RQ, and one unknown.
    static let everySubItemRequest = GoldenPDU(
        name: "A-ASSOCIATE-RQ with every sub-item",
        bytes: assemble(
            // 1 PDU-type 01H, 2 Reserved, 3-6 PDU-length 397
            [0x01, 0x00, 0x00, 0x00, 0x01, 0x8D],
            [0x00, 0x01, 0x00, 0x00],
            aeTitle("STORESCP"), aeTitle("MODALITY"), Array(repeating: 0, count: 32),
            [0x10, 0x00, 0x00, 0x15], ascii("1.2.840.10008.3.1.1.1"),
            // Presentation Context Item 20H, length 77, ID 1
            [0x20, 0x00, 0x00, 0x4D, 0x01, 0x00, 0x00, 0x00],
            //   30H: CT Image Storage; 40H: Explicit VR Little Endian; 40H: Implicit VR Little Endian
            [0x30, 0x00, 0x00, 0x19], ascii(ct),
            [0x40, 0x00, 0x00, 0x13], ascii("1.2.840.10008.1.2.1"),
            [0x40, 0x00, 0x00, 0x11], ascii("1.2.840.10008.1.2"),
            // User Information Item 50H, length 219
            [0x50, 0x00, 0x00, 0xDB],
            //   51H Maximum Length: 32768
            [0x51, 0x00, 0x00, 0x04, 0x00, 0x00, 0x80, 0x00],
            //   52H Implementation Class UID, length 7
            [0x52, 0x00, 0x00, 0x07], ascii("1.2.3.4"),
            //   53H Asynchronous Operations Window: 5 invoked, 3 performed
            [0x53, 0x00, 0x00, 0x04, 0x00, 0x05, 0x00, 0x03],
            //   54H Role Selection, length 29: UID-length 25, CT, SCU-role 1, SCP-role 1
            [0x54, 0x00, 0x00, 0x1D, 0x00, 0x19], ascii(ct), [0x01, 0x01],
            //   55H Implementation Version Name, length 6
            [0x55, 0x00, 0x00, 0x06], ascii("APUS_1"),
            //   56H SOP Class Extended Negotiation, length 30: UID-length 25, CT, application information 02 00 01
            [0x56, 0x00, 0x00, 0x1E, 0x00, 0x19], ascii(ct), [0x02, 0x00, 0x01],
            //   57H SOP Class Common Extended Negotiation, version 0, length 83
            [0x57, 0x00, 0x00, 0x53],
            //     SOP-class-uid-length 29, Procedure Log Storage
            [0x00, 0x1D], ascii("1.2.840.10008.5.1.4.1.1.88.40"),
            //     Service-class-uid-length 17, Storage Service Class
            [0x00, 0x11], ascii("1.2.840.10008.4.2"),
            //     Related-general-sop-class-identification-length 31: one UID of 29, Enhanced SR Storage
            [0x00, 0x1F, 0x00, 0x1D], ascii("1.2.840.10008.5.1.4.1.1.88.22"),
            //   58H User Identity, length 17: type 2 (username and passcode), positive response requested,
            //   primary field 5 "alice", secondary field 6 "secret"
            [0x58, 0x00, 0x00, 0x11, 0x02, 0x01, 0x00, 0x05], ascii("alice"), [0x00, 0x06], ascii("secret"),
            //   E0H: a sub-item type the standard does not define, length 3
            [0xE0, 0x00, 0x00, 0x03, 0x01, 0x02, 0x03]
        ),
        pdu: .associateRequest(
            AssociateRequest(
                calledAETitle: "STORESCP",
                callingAETitle: "MODALITY",
                presentationContexts: [
                    PresentationContextProposal(
                        id: 1,
                        abstractSyntax: .ctImageStorage,
                        transferSyntaxes: [.explicitVRLittleEndian, .implicitVRLittleEndian]
                    )
                ],
                userInformation: UserInformation(
                    maximumLength: 32768,
                    implementationClassUID: uid("1.2.3.4"),
                    asynchronousOperationsWindow: .init(maximumOperationsInvoked: 5, maximumOperationsPerformed: 3),
                    roleSelections: [.init(sopClassUID: .ctImageStorage, scuRole: true, scpRole: true)],
                    implementationVersionName: "APUS_1",
                    extendedNegotiations: [.init(sopClassUID: .ctImageStorage, applicationInformation: [2, 0, 1])],
                    commonExtendedNegotiations: [
                        .init(
                            sopClassUID: uid("1.2.840.10008.5.1.4.1.1.88.40"),
                            serviceClassUID: uid("1.2.840.10008.4.2"),
                            relatedGeneralSOPClassUIDs: [uid("1.2.840.10008.5.1.4.1.1.88.22")]
                        )
                    ],
                    userIdentity: .init(
                        type: .usernameAndPasscode,
                        positiveResponseRequested: true,
                        primaryField: ascii("alice"),
                        secondaryField: ascii("secret")
                    ),
                    unknownSubItems: [.init(type: 0xE0, value: [1, 2, 3])]
                )
            )
        )
    )

    /// The answer to `everySubItemRequest`, with the A-ASSOCIATE-AC user identity (59H).
    static let everySubItemAccept = GoldenPDU(
        name: "A-ASSOCIATE-AC with every sub-item",
        bytes: assemble(
            // 1 PDU-type 02H, 2 Reserved, 3-6 PDU-length 246
            [0x02, 0x00, 0x00, 0x00, 0x00, 0xF6],
            [0x00, 0x01, 0x00, 0x00],
            aeTitle("STORESCP"), aeTitle("MODALITY"), Array(repeating: 0, count: 32),
            [0x10, 0x00, 0x00, 0x15], ascii("1.2.840.10008.3.1.1.1"),
            // 21H, ID 1, accepted with Explicit VR Little Endian
            [0x21, 0x00, 0x00, 0x1B, 0x01, 0x00, 0x00, 0x00],
            [0x40, 0x00, 0x00, 0x13], ascii("1.2.840.10008.1.2.1"),
            // User Information Item 50H, length 118
            [0x50, 0x00, 0x00, 0x76],
            [0x51, 0x00, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00],
            [0x52, 0x00, 0x00, 0x07], ascii("1.2.3.5"),
            //   53H: 1 and 1
            [0x53, 0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x01],
            //   54H: CT, SCU-role 0 (refused), SCP-role 1 (accepted)
            [0x54, 0x00, 0x00, 0x1D, 0x00, 0x19], ascii(ct), [0x00, 0x01],
            [0x55, 0x00, 0x00, 0x06], ascii("APUS_1"),
            [0x56, 0x00, 0x00, 0x1E, 0x00, 0x19], ascii(ct), [0x02, 0x00, 0x01],
            //   59H User Identity (AC), length 10: Server-response-length 8, "token-OK"
            [0x59, 0x00, 0x00, 0x0A, 0x00, 0x08], ascii("token-OK")
        ),
        pdu: .associateAccept(
            AssociateAccept(
                calledAETitle: "STORESCP",
                callingAETitle: "MODALITY",
                presentationContexts: [
                    PresentationContextResult(id: 1, result: .acceptance, transferSyntax: .explicitVRLittleEndian)
                ],
                userInformation: UserInformation(
                    maximumLength: 16384,
                    implementationClassUID: uid("1.2.3.5"),
                    asynchronousOperationsWindow: .init(maximumOperationsInvoked: 1, maximumOperationsPerformed: 1),
                    roleSelections: [.init(sopClassUID: .ctImageStorage, scuRole: false, scpRole: true)],
                    implementationVersionName: "APUS_1",
                    extendedNegotiations: [.init(sopClassUID: .ctImageStorage, applicationInformation: [2, 0, 1])],
                    userIdentityServerResponse: ascii("token-OK")
                )
            )
        )
    )

    static let reject = GoldenPDU(
        name: "A-ASSOCIATE-RJ",
        // 1 PDU-type 03H, 3-6 PDU-length 4, 7 Reserved, 8 Result 1 (permanent), 9 Source 1 (service-user),
        // 10 Reason 7 (called-AE-title-not-recognized)
        bytes: [0x03, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01, 0x01, 0x07],
        pdu: .associateReject(AssociateReject(result: .permanent, source: .serviceUser(.calledAETitleNotRecognized)))
    )

    static let twoValueData = GoldenPDU(
        name: "P-DATA-TF with two PDVs",
        bytes: assemble(
            // 1 PDU-type 04H, 3-6 PDU-length 32
            [0x04, 0x00, 0x00, 0x00, 0x00, 0x20],
            // PDV Item-length 14, context 1, header 03H (command, last): (0000,0000) UL 4, value 56
            [0x00, 0x00, 0x00, 0x0E, 0x01, 0x03],
            [0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00],
            // PDV Item-length 10, context 1, header 00H (data set, not last): a (0008,0005) header
            [0x00, 0x00, 0x00, 0x0A, 0x01, 0x00],
            [0x08, 0x00, 0x05, 0x00, 0x0A, 0x00, 0x00, 0x00]
        ),
        pdu: .data([
            PresentationDataValue(
                contextID: 1,
                isCommand: true,
                isLast: true,
                data: ByteBuffer(bytes: [0, 0, 0, 0, 4, 0, 0, 0, 0x38, 0, 0, 0])
            ),
            PresentationDataValue(
                contextID: 1,
                isCommand: false,
                isLast: false,
                data: ByteBuffer(bytes: [0x08, 0, 0x05, 0, 0x0A, 0, 0, 0])
            ),
        ])
    )

    static let releaseRequest = GoldenPDU(
        name: "A-RELEASE-RQ",
        // 1 PDU-type 05H, 3-6 PDU-length 4, 7-10 Reserved
        bytes: [0x05, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00],
        pdu: .releaseRequest
    )

    static let releaseResponse = GoldenPDU(
        name: "A-RELEASE-RP",
        // 1 PDU-type 06H, 3-6 PDU-length 4, 7-10 Reserved
        bytes: [0x06, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00],
        pdu: .releaseResponse
    )

    static let abort = GoldenPDU(
        name: "A-ABORT",
        // 1 PDU-type 07H, 3-6 PDU-length 4, 7-8 Reserved, 9 Source 2 (service-provider), 10 Reason 2 (unexpected PDU)
        bytes: [0x07, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x02, 0x02],
        pdu: .abort(.serviceProvider(.unexpectedPDU))
    )

    static let all: [GoldenPDU] = [
        echoRequest, twoContextAccept, everySubItemRequest, everySubItemAccept, reject, twoValueData,
        releaseRequest, releaseResponse, abort,
    ]
}

@Suite("PDU golden bytes")
struct PDUGoldenTests {
    @Test(arguments: GoldenPDU.all)
    func decodesToTheExpectedValue(golden: GoldenPDU) throws {
        #expect(try PDU.decodeWhole(golden.bytes) == golden.pdu)
    }

    @Test(arguments: GoldenPDU.all)
    func encodesToTheSameBytes(golden: GoldenPDU) throws {
        #expect(try golden.pdu.encodedBytes() == golden.bytes)
    }

    @Test(arguments: GoldenPDU.all)
    func returnsNilUntilTheLastByteArrives(golden: GoldenPDU) throws {
        for count in 0..<golden.bytes.count {
            var buffer = ByteBuffer(bytes: golden.bytes.prefix(count))
            #expect(try PDU.decode(from: &buffer) == nil)
            #expect(buffer.readableBytes == count, "a partial PDU is not consumed")
        }
    }

    @Test func decodesBackToBackPDUsAndLeavesTheRest() throws {
        var buffer = ByteBuffer(bytes: GoldenPDU.reject.bytes + GoldenPDU.abort.bytes + [0x05, 0x00])
        #expect(try PDU.decode(from: &buffer) == GoldenPDU.reject.pdu)
        #expect(try PDU.decode(from: &buffer) == GoldenPDU.abort.pdu)
        #expect(try PDU.decode(from: &buffer) == nil)
        #expect(buffer.readableBytes == 2)
    }

    @Test func presentationDataValuesAreSlicesOfTheReceivedBuffer() throws {
        let buffer = ByteBuffer(bytes: GoldenPDU.twoValueData.bytes)
        var reading = buffer
        guard case .data(let values) = try PDU.decode(from: &reading) else {
            Issue.record("not a P-DATA-TF")
            return
        }
        let received = buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let offsets = values.map { value in
            value.data.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } - received
        }
        #expect(offsets == [12, 30])
    }

    @Test func rejectReasonsKeepTheirSourceAndRawValues() throws {
        // 9 Source 3 (presentation), 10 Reason 2 (local-limit-exceeded); then a reserved reason.
        let limit = try PDU.decodeWhole([0x03, 0, 0, 0, 0, 4, 0, 2, 3, 2])
        #expect(
            limit
                == .associateReject(
                    AssociateReject(result: .transient, source: .serviceProviderPresentation(.localLimitExceeded))
                )
        )
        let reserved = try PDU.decodeWhole([0x03, 0, 0, 0, 0, 4, 0, 1, 1, 5])
        #expect(
            reserved
                == .associateReject(
                    AssociateReject(result: .permanent, source: .serviceUser(.init(rawValue: 5)))
                )
        )
        let unknownSource = try PDU.decodeWhole([0x03, 0, 0, 0, 0, 4, 0, 9, 8, 7])
        let expected = AssociateReject(result: .init(rawValue: 9), source: .other(source: 8, reason: 7))
        #expect(unknownSource == .associateReject(expected))
        #expect(try PDU.associateReject(expected).encodedBytes() == [0x03, 0, 0, 0, 0, 4, 0, 9, 8, 7])
    }

    @Test func aeTitlesAreTrimmedOnBothSidesAndTruncatedToSixteenBytes() throws {
        var request = AssociateRequest(
            calledAETitle: "A-VERY-LONG-AE-TITLE",
            callingAETitle: "X",
            presentationContexts: []
        )
        var bytes = try PDU.associateRequest(request).encodedBytes()
        #expect(Array(bytes[10..<26]) == ascii("A-VERY-LONG-AE-T"))
        // "  PADDED" with leading spaces and NUL padding, as some peers send it.
        bytes.replaceSubrange(26..<42, with: ascii("  PADDED") + Array(repeating: 0, count: 8))
        request.calledAETitle = "A-VERY-LONG-AE-T"
        request.callingAETitle = "PADDED"
        #expect(try PDU.decodeWhole(bytes) == .associateRequest(request))
    }
}
