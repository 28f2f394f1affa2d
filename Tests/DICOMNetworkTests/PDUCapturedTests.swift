import DICOM
import NIOCore
import Testing

@testable import DICOMNetwork

/// PDUs recorded from DCMTK 3.6.7 and pynetdicom 3.0.4 (PDUCapturedFixtures.swift says how).
@Suite("PDUs captured from DCMTK and pynetdicom")
struct PDUCapturedTests {
    static let dcmtkUserInformation = UserInformation(
        maximumLength: 16384,
        implementationClassUID: uid("1.2.276.0.7230010.3.0.3.6.7"),
        implementationVersionName: "OFFIS_DCMTK_367"
    )

    /// DCMTK sends FFH in byte 7 (reserved) of each Presentation Context Item (20H); we send 00H.
    static func zeroingPresentationContextReserved(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        var offset = 74
        while offset + 4 <= bytes.count {
            if bytes[offset] == 0x20, offset + 6 < bytes.count { bytes[offset + 6] = 0 }
            offset += 4 + Int(bytes[offset + 2]) << 8 + Int(bytes[offset + 3])
        }
        return bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> PDU {
        try #require(try PDU.decodeWhole(bytes))
    }

    @Test func echoscuRequest() throws {
        let pdu = try Self.decode(CapturedPDU.dcmtkEchoRequest)
        #expect(pdu == GoldenPDU.echoRequest.pdu)
        #expect(try pdu.encodedBytes() == Self.zeroingPresentationContextReserved(CapturedPDU.dcmtkEchoRequest))
        #expect(CapturedPDU.dcmtkEchoRequest[105] == 0xFF)
    }

    @Test func storescpAccept() throws {
        let pdu = try Self.decode(CapturedPDU.dcmtkEchoAccept)
        let expected = AssociateAccept(
            calledAETitle: "ANY-SCP",
            callingAETitle: "ECHOSCU",
            presentationContexts: [
                PresentationContextResult(id: 1, result: .acceptance, transferSyntax: .implicitVRLittleEndian)
            ],
            userInformation: Self.dcmtkUserInformation
        )
        #expect(pdu == .associateAccept(expected))
        #expect(try pdu.encodedBytes() == CapturedPDU.dcmtkEchoAccept)
    }

    @Test(arguments: [
        (CapturedPDU.dcmtkEchoCommand, 68), (CapturedPDU.dcmtkEchoResponse, 78),
    ])
    func echoCommandSets(bytes: [UInt8], commandLength: Int) throws {
        let pdu = try Self.decode(bytes)
        guard case .data(let values) = pdu, let value = values.first else {
            Issue.record("not a P-DATA-TF: \(pdu)")
            return
        }
        #expect(values.count == 1)
        #expect(value.contextID == 1 && value.isCommand && value.isLast)
        #expect(value.data.readableBytes == commandLength)
        // (0000,0000) Command Group Length, implicit VR: 4 bytes, then the length of the rest.
        let data = value.data
        #expect(data.getBytes(at: data.readerIndex, length: 8) == [0, 0, 0, 0, 4, 0, 0, 0])
        let groupLength = data.getInteger(at: data.readerIndex + 8, endianness: .little, as: UInt32.self)
        #expect(groupLength == UInt32(commandLength - 12))
        #expect(try pdu.encodedBytes() == bytes)
    }

    @Test func releaseAbortAndReject() throws {
        let cases: [([UInt8], PDU)] = [
            (CapturedPDU.dcmtkReleaseRequest, .releaseRequest),
            (CapturedPDU.dcmtkReleaseResponse, .releaseResponse),
            (CapturedPDU.dcmtkAbort, .abort(.serviceUser)),
            (
                CapturedPDU.dcmtkReject,
                .associateReject(AssociateReject(result: .permanent, source: .serviceUser(.noReasonGiven)))
            ),
        ]
        for (bytes, expected) in cases {
            let pdu = try Self.decode(bytes)
            #expect(pdu == expected)
            #expect(try pdu.encodedBytes() == bytes)
        }
    }

    @Test func storescuRequestWithUserIdentity() throws {
        let pdu = try Self.decode(CapturedPDU.dcmtkStoreUserIdentityRequest)
        guard case .associateRequest(let request) = pdu else {
            Issue.record("not an A-ASSOCIATE-RQ: \(pdu)")
            return
        }
        #expect(request.calledAETitle == "ANY-SCP" && request.callingAETitle == "STORESCU")
        #expect(request.presentationContexts.map(\.id) == Array(stride(from: 1, through: 127, by: 2)))
        #expect(request.presentationContexts.allSatisfy { $0.transferSyntaxes == [.implicitVRLittleEndian] })
        #expect(request.presentationContexts.contains { $0.abstractSyntax == .ctImageStorage })
        var expectedUserInformation = Self.dcmtkUserInformation
        expectedUserInformation.userIdentity = UserInformation.UserIdentity(
            type: .usernameAndPasscode,
            positiveResponseRequested: false,
            primaryField: ascii("alice"),
            secondaryField: ascii("secret")
        )
        #expect(request.userInformation == expectedUserInformation)
        let reencoded = try pdu.encodedBytes()
        #expect(reencoded == Self.zeroingPresentationContextReserved(CapturedPDU.dcmtkStoreUserIdentityRequest))
    }

    @Test func storescpAcceptRejectingAnAbstractSyntax() throws {
        let pdu = try Self.decode(CapturedPDU.dcmtkGetAccept)
        guard case .associateAccept(let accept) = pdu else {
            Issue.record("not an A-ASSOCIATE-AC: \(pdu)")
            return
        }
        #expect(accept.presentationContexts.count == 121)
        #expect(
            accept.presentationContexts.first
                == PresentationContextResult(
                    id: 1,
                    result: .abstractSyntaxNotSupported,
                    transferSyntax: .implicitVRLittleEndian
                )
        )
        let rest = accept.presentationContexts.dropFirst()
        #expect(rest.allSatisfy { $0.result == .acceptance && $0.transferSyntax == .explicitVRLittleEndian })
        #expect(accept.userInformation == Self.dcmtkUserInformation)
        #expect(try pdu.encodedBytes() == CapturedPDU.dcmtkGetAccept)
    }

    static let pynetdicomUserInformation = UserInformation(
        maximumLength: 16382,
        implementationClassUID: uid("1.2.826.0.1.3680043.9.3811.3.0.4"),
        roleSelections: [.init(sopClassUID: .ctImageStorage, scuRole: true, scpRole: true)],
        implementationVersionName: "PYNETDICOM_304",
        extendedNegotiations: [.init(sopClassUID: .ctImageStorage, applicationInformation: [2, 0, 1])]
    )

    @Test func pynetdicomRequestWithEverySubItem() throws {
        let pdu = try Self.decode(CapturedPDU.pynetdicomRequest)
        var userInformation = Self.pynetdicomUserInformation
        userInformation.asynchronousOperationsWindow = .init(maximumOperationsInvoked: 5, maximumOperationsPerformed: 3)
        userInformation.commonExtendedNegotiations = [
            .init(
                sopClassUID: uid("1.2.840.10008.5.1.4.1.1.88.40"),
                serviceClassUID: uid("1.2.840.10008.4.2"),
                relatedGeneralSOPClassUIDs: [uid("1.2.840.10008.5.1.4.1.1.88.22")]
            )
        ]
        userInformation.userIdentity = .init(
            type: .usernameAndPasscode,
            positiveResponseRequested: true,
            primaryField: ascii("alice"),
            secondaryField: ascii("secret")
        )
        let expected = AssociateRequest(
            calledAETitle: "PYNETSCP",
            callingAETitle: "PYNETSCU",
            presentationContexts: [
                PresentationContextProposal(
                    id: 1,
                    abstractSyntax: .verification,
                    transferSyntaxes: [
                        .implicitVRLittleEndian, .explicitVRLittleEndian, uid("1.2.840.10008.1.2.1.99"),
                        uid("1.2.840.10008.1.2.2"),
                    ]
                ),
                PresentationContextProposal(
                    id: 3,
                    abstractSyntax: .ctImageStorage,
                    transferSyntaxes: [.explicitVRLittleEndian, .implicitVRLittleEndian]
                ),
            ],
            userInformation: userInformation
        )
        #expect(pdu == .associateRequest(expected))
        // pynetdicom orders the sub-items 51 52 55 54 53 58 56 57; we write them in type order.
        let reencoded = try pdu.encodedBytes()
        #expect(reencoded.count == CapturedPDU.pynetdicomRequest.count)
        #expect(try PDU.decodeWhole(reencoded) == pdu)
    }

    @Test func pynetdicomAccept() throws {
        let pdu = try Self.decode(CapturedPDU.pynetdicomAccept)
        var userInformation = Self.pynetdicomUserInformation
        userInformation.asynchronousOperationsWindow = .init(maximumOperationsInvoked: 1, maximumOperationsPerformed: 1)
        let expected = AssociateAccept(
            calledAETitle: "PYNETSCP",
            callingAETitle: "PYNETSCU",
            presentationContexts: [
                PresentationContextResult(id: 1, result: .acceptance, transferSyntax: .implicitVRLittleEndian),
                PresentationContextResult(id: 3, result: .acceptance, transferSyntax: .implicitVRLittleEndian),
            ],
            userInformation: userInformation
        )
        #expect(pdu == .associateAccept(expected))
        let reencoded = try pdu.encodedBytes()
        #expect(reencoded.count == CapturedPDU.pynetdicomAccept.count)
        #expect(try PDU.decodeWhole(reencoded) == pdu)
    }
}
