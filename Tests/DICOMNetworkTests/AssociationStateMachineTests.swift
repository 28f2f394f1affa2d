import DICOM
import NIOCore
import Testing

@testable import DICOMNetwork

typealias Machine = AssociationStateMachine

/// Sample events, one of each of PS3.8 Table 9-6.
private enum Sample {
    static let request = AssociateRequest(
        calledAETitle: "APUS", callingAETitle: "SCU",
        presentationContexts: [
            PresentationContextProposal(
                id: 1, abstractSyntax: .verification, transferSyntaxes: [.implicitVRLittleEndian])
        ],
        userInformation: UserInformation(maximumLength: 16_384))
    static let accept = AssociateAccept(
        calledAETitle: "APUS", callingAETitle: "SCU",
        presentationContexts: [
            PresentationContextResult(id: 1, result: .acceptance, transferSyntax: .implicitVRLittleEndian)
        ])
    static let reject = AssociateReject(result: .permanent, source: .serviceUser(.calledAETitleNotRecognized))
    static let values = [
        PresentationDataValue(contextID: 1, isCommand: true, isLast: true, data: ByteBuffer(bytes: [1, 2, 3]))
    ]
    static let userAbort = Abort.serviceUser

    /// Evt1 … Evt19, in the order of the table's rows.
    static let events: [Machine.Event] = [
        .associateRequestPrimitive(request), .transportConnectConfirm, .associateAcceptPDU(accept),
        .associateRejectPDU(reject), .transportConnectIndication, .associateRequestPDU(request),
        .associateAcceptPrimitive(accept), .associateRejectPrimitive(reject), .dataPrimitive(values),
        .dataPDU(values), .releaseRequestPrimitive, .releaseRequestPDU, .releaseResponsePDU,
        .releaseResponsePrimitive, .abortPrimitive(userAbort), .abortPDU(userAbort), .transportClosed,
        .artimExpired, .invalidPDU(.invalidPDUParameterValue),
    ]
}

/// PS3.8 Table 9-10, written out from the standard independently of the implementation:
/// `cells[event][state]` is "action/next state", "" where the table is blank.
/// Columns are Sta1 … Sta13. Sta9 and Sta10 after AR-8 depend on the role: "AR-8/9|10".
private let table: [[String]] = [
    // Evt1 A-ASSOCIATE request (local user)
    ["AE-1/4", "", "", "", "", "", "", "", "", "", "", "", ""],
    // Evt2 transport connect confirm
    ["", "", "", "AE-2/5", "", "", "", "", "", "", "", "", ""],
    // Evt3 A-ASSOCIATE-AC PDU
    [
        "", "AA-1/13", "AA-8/13", "", "AE-3/6", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13",
        "AA-8/13", "AA-6/13",
    ],
    // Evt4 A-ASSOCIATE-RJ PDU
    [
        "", "AA-1/13", "AA-8/13", "", "AE-4/1", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13",
        "AA-8/13", "AA-6/13",
    ],
    // Evt5 transport connection indication
    ["AE-5/2", "", "", "", "", "", "", "", "", "", "", "", ""],
    // Evt6 A-ASSOCIATE-RQ PDU
    [
        "", "AE-6/3", "AA-8/13", "", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13",
        "AA-8/13", "AA-7/13",
    ],
    // Evt7 A-ASSOCIATE response (accept)
    ["", "", "AE-7/6", "", "", "", "", "", "", "", "", "", ""],
    // Evt8 A-ASSOCIATE response (reject)
    ["", "", "AE-8/13", "", "", "", "", "", "", "", "", "", ""],
    // Evt9 P-DATA request
    ["", "", "", "", "", "DT-1/6", "", "AR-7/8", "", "", "", "", ""],
    // Evt10 P-DATA-TF PDU
    [
        "", "AA-1/13", "AA-8/13", "", "AA-8/13", "DT-2/6", "AR-6/7", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13",
        "AA-8/13", "AA-6/13",
    ],
    // Evt11 A-RELEASE request
    ["", "", "", "", "", "AR-1/7", "", "", "", "", "", "", ""],
    // Evt12 A-RELEASE-RQ PDU
    [
        "", "AA-1/13", "AA-8/13", "", "AA-8/13", "AR-2/8", "AR-8/9|10", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13",
        "AA-8/13", "AA-6/13",
    ],
    // Evt13 A-RELEASE-RP PDU
    [
        "", "AA-1/13", "AA-8/13", "", "AA-8/13", "AA-8/13", "AR-3/1", "AA-8/13", "AA-8/13", "AR-10/12", "AR-3/1",
        "AA-8/13", "AA-6/13",
    ],
    // Evt14 A-RELEASE response
    ["", "", "", "", "", "", "", "AR-4/13", "AR-9/11", "", "", "AR-4/13", ""],
    // Evt15 A-ABORT request
    [
        "", "", "AA-1/13", "AA-2/1", "AA-1/13", "AA-1/13", "AA-1/13", "AA-1/13", "AA-1/13", "AA-1/13", "AA-1/13",
        "AA-1/13", "",
    ],
    // Evt16 A-ABORT PDU
    [
        "", "AA-2/1", "AA-3/1", "", "AA-3/1", "AA-3/1", "AA-3/1", "AA-3/1", "AA-3/1", "AA-3/1", "AA-3/1", "AA-3/1",
        "AA-2/1",
    ],
    // Evt17 transport connection closed
    [
        "", "AA-5/1", "AA-4/1", "AA-4/1", "AA-4/1", "AA-4/1", "AA-4/1", "AA-4/1", "AA-4/1", "AA-4/1", "AA-4/1",
        "AA-4/1", "AR-5/1",
    ],
    // Evt18 ARTIM timer expired
    ["", "AA-2/1", "", "", "", "", "", "", "", "", "", "", "AA-2/1"],
    // Evt19 unrecognized or invalid PDU
    [
        "", "AA-1/13", "AA-8/13", "", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13", "AA-8/13",
        "AA-8/13", "AA-7/13",
    ],
]

@Suite("Association state machine (PS3.8 Table 9-10)")
struct AssociationStateMachineTests {
    @Test("Every cell of Table 9-10", arguments: [Machine.Role.requestor, .acceptor])
    func everyCell(role: Machine.Role) throws {
        for (row, event) in Sample.events.enumerated() {
            for state in Machine.State.allCases {
                var machine = Machine(role: role, state: state)
                if event.number == 2, state == .sta4 {
                    // AE-2 sends the A-ASSOCIATE-RQ that Evt1 gave.
                    machine = Machine(role: role)
                    _ = try machine.handle(Sample.events[0])
                }
                let cell = table[row][state.rawValue - 1]
                let label = "\(event) in \(state)"
                if cell.isEmpty {
                    // Blank: a local primitive is refused, anything else changes nothing. Evt15 in
                    // Sta2 is the one blank we fill (see the machine's docs).
                    if event.number == 15, state == .sta2 {
                        #expect(try machine.handle(event) == [.stopARTIM, .closeTransport], "\(label)")
                        continue
                    }
                    if event.number == 15 || !event.isLocalPrimitive {
                        #expect(try machine.handle(event) == [], "\(label)")
                    } else {
                        #expect(throws: Machine.InvalidPrimitive.self, "\(label)") { try machine.handle(event) }
                    }
                    #expect(machine.state == state, "\(label)")
                    continue
                }
                let parts = cell.split(separator: "/")
                let expectedAction = String(parts[0])
                var expectedState = String(parts[1])
                if expectedState == "9|10" { expectedState = role == .requestor ? "9" : "10" }
                _ = try machine.handle(event)
                #expect(machine.lastTransition?.action.rawValue == expectedAction, "\(label)")
                #expect(machine.state.description == "Sta\(expectedState)", "\(label)")
            }
        }
    }

    @Test("Requestor: connect, associate, data, release")
    func requestorNormalFlow() throws {
        var machine = Machine(role: .requestor)
        #expect(try machine.handle(.associateRequestPrimitive(Sample.request)) == [.openTransport])
        #expect(machine.receive(.transportConnectConfirm) == [.send(.associateRequest(Sample.request))])
        #expect(machine.state == .sta5)
        #expect(machine.receive(.associateAcceptPDU(Sample.accept)) == [.indicate(.associateAccept(Sample.accept))])
        #expect(try machine.handle(.dataPrimitive(Sample.values)) == [.send(.data(Sample.values))])
        #expect(machine.receive(.dataPDU(Sample.values)) == [.indicate(.data(Sample.values))])
        #expect(try machine.handle(.releaseRequestPrimitive) == [.send(.releaseRequest)])
        // Data the peer still sends while we wait for A-RELEASE-RP is delivered (AR-6).
        #expect(machine.receive(.dataPDU(Sample.values)) == [.indicate(.data(Sample.values))])
        #expect(machine.receive(.releaseResponsePDU) == [.indicate(.releaseConfirm), .closeTransport])
        #expect(machine.state == .sta1)
    }

    @Test("Requestor: a rejection closes the transport")
    func requestorRejected() throws {
        var machine = Machine(role: .requestor)
        _ = try machine.handle(.associateRequestPrimitive(Sample.request))
        _ = machine.receive(.transportConnectConfirm)
        #expect(
            machine.receive(.associateRejectPDU(Sample.reject)) == [
                .indicate(.associateReject(Sample.reject)), .closeTransport,
            ])
        #expect(machine.state == .sta1)
    }

    @Test("Acceptor: ARTIM, associate, data, release, close")
    func acceptorNormalFlow() throws {
        var machine = Machine(role: .acceptor)
        #expect(machine.receive(.transportConnectIndication) == [.startARTIM])
        #expect(
            machine.receive(.associateRequestPDU(Sample.request)) == [
                .stopARTIM, .indicate(.associateRequest(Sample.request)),
            ])
        #expect(machine.state == .sta3)
        #expect(
            try machine.handle(.associateAcceptPrimitive(Sample.accept)) == [.send(.associateAccept(Sample.accept))])
        #expect(machine.receive(.dataPDU(Sample.values)) == [.indicate(.data(Sample.values))])
        #expect(try machine.handle(.dataPrimitive(Sample.values)) == [.send(.data(Sample.values))])
        #expect(machine.receive(.releaseRequestPDU) == [.indicate(.releaseRequest)])
        // A response still owed may go out before the A-RELEASE-RP (AR-7).
        #expect(try machine.handle(.dataPrimitive(Sample.values)) == [.send(.data(Sample.values))])
        #expect(try machine.handle(.releaseResponsePrimitive) == [.send(.releaseResponse), .startARTIM])
        #expect(machine.state == .sta13)
        #expect(machine.receive(.transportClosed) == [.stopARTIM])
        #expect(machine.state == .sta1)
    }

    @Test("Acceptor: reject, then ARTIM closes a peer that stays")
    func acceptorRejects() throws {
        var machine = Machine(role: .acceptor)
        _ = machine.receive(.transportConnectIndication)
        _ = machine.receive(.associateRequestPDU(Sample.request))
        #expect(
            try machine.handle(.associateRejectPrimitive(Sample.reject)) == [
                .send(.associateReject(Sample.reject)), .startARTIM,
            ])
        #expect(machine.receive(.artimExpired) == [.closeTransport])
        #expect(machine.lastTransition?.action == .aa2)
        #expect(machine.state == .sta1)
    }

    @Test("Acceptor: a protocol version without bit 0 is rejected by the provider (AE-6)")
    func protocolVersion() {
        var machine = Machine(role: .acceptor)
        _ = machine.receive(.transportConnectIndication)
        var request = Sample.request
        request.protocolVersion = 2
        let reject = AssociateReject(result: .permanent, source: .serviceProviderACSE(.protocolVersionNotSupported))
        #expect(
            machine.receive(.associateRequestPDU(request)) == [
                .stopARTIM, .send(.associateReject(reject)), .startARTIM,
            ])
        #expect(machine.state == .sta13)
    }

    @Test("Silent peer: ARTIM expires in Sta2 and closes")
    func silentPeer() {
        var machine = Machine(role: .acceptor)
        _ = machine.receive(.transportConnectIndication)
        #expect(machine.receive(.artimExpired) == [.closeTransport])
        #expect(machine.state == .sta1)
        // A timer that fires late, after the association was set up, does nothing.
        var established = Machine(role: .acceptor, state: .sta6)
        #expect(established.receive(.artimExpired) == [])
        #expect(established.state == .sta6)
    }

    @Test("Release collision, requestor side: Sta7 → Sta9 → Sta11 → Sta1")
    func collisionRequestor() throws {
        var machine = Machine(role: .requestor, state: .sta6)
        _ = try machine.handle(.releaseRequestPrimitive)
        #expect(machine.receive(.releaseRequestPDU) == [.indicate(.releaseRequest)])
        #expect(machine.state == .sta9)
        #expect(try machine.handle(.releaseResponsePrimitive) == [.send(.releaseResponse)])
        #expect(machine.state == .sta11)
        #expect(machine.receive(.releaseResponsePDU) == [.indicate(.releaseConfirm), .closeTransport])
        #expect(machine.state == .sta1)
    }

    @Test("Release collision, acceptor side: Sta7 → Sta10 → Sta12 → Sta13")
    func collisionAcceptor() throws {
        var machine = Machine(role: .acceptor, state: .sta6)
        _ = try machine.handle(.releaseRequestPrimitive)
        #expect(machine.receive(.releaseRequestPDU) == [.indicate(.releaseRequest)])
        #expect(machine.state == .sta10)
        #expect(machine.receive(.releaseResponsePDU) == [.indicate(.releaseConfirm)])
        #expect(machine.state == .sta12)
        #expect(try machine.handle(.releaseResponsePrimitive) == [.send(.releaseResponse), .startARTIM])
        #expect(machine.state == .sta13)
    }

    @Test("P-DATA before association: AA-1 with reason unexpected PDU")
    func dataBeforeAssociation() {
        var machine = Machine(role: .acceptor)
        _ = machine.receive(.transportConnectIndication)
        #expect(
            machine.receive(.dataPDU(Sample.values)) == [.send(.abort(.serviceProvider(.unexpectedPDU))), .startARTIM])
        #expect(machine.lastTransition?.action == .aa1)
        #expect(machine.state == .sta13)
        #expect(machine.receive(.transportClosed) == [.stopARTIM])
    }

    @Test("Unexpected PDUs once associated: AA-8 aborts with reason unexpected PDU")
    func unexpectedPDU() {
        for event in [
            Machine.Event.associateRequestPDU(Sample.request), .associateAcceptPDU(Sample.accept), .releaseResponsePDU,
        ] {
            var machine = Machine(role: .acceptor, state: .sta6)
            #expect(
                machine.receive(event) == [
                    .send(.abort(.serviceProvider(.unexpectedPDU))), .indicate(.providerAbort(.unexpectedPDU)),
                    .startARTIM,
                ])
            #expect(machine.lastTransition?.action == .aa8)
        }
    }

    @Test(
        "Invalid PDUs: the decoder's reason goes into the A-ABORT",
        arguments: [
            PDUError.unknownPDUType(0x09), .pduTooLarge(length: 1 << 30, maximum: 16_384),
            .invalidItem(type: 0x99, parent: "A-ASSOCIATE-RQ", problem: .unexpected),
        ])
    func invalidPDU(error: PDUError) {
        var machine = Machine(role: .acceptor, state: .sta6)
        let reason = error.abortReason
        #expect(
            machine.receive(.invalidPDU(reason)) == [
                .send(.abort(.serviceProvider(reason))), .indicate(.providerAbort(reason)), .startARTIM,
            ])
        var awaiting = Machine(role: .acceptor, state: .sta2)
        #expect(awaiting.receive(.invalidPDU(reason)) == [.send(.abort(.serviceProvider(reason))), .startARTIM])
    }

    @Test("Peer abort and lost connection are indicated; a local abort sends A-ABORT")
    func aborts() throws {
        var aborted = Machine(role: .requestor, state: .sta6)
        #expect(aborted.receive(.abortPDU(.serviceUser)) == [.indicate(.abort(.serviceUser)), .closeTransport])
        var lost = Machine(role: .requestor, state: .sta7)
        #expect(lost.receive(.transportClosed) == [.indicate(.connectionLost)])
        var local = Machine(role: .acceptor, state: .sta6)
        #expect(try local.handle(.abortPrimitive(.serviceUser)) == [.send(.abort(.serviceUser)), .startARTIM])
        #expect(local.state == .sta13)
        // In Sta13 the peer's late PDUs are ignored (AA-6) and ARTIM closes (AA-2).
        #expect(local.receive(.dataPDU(Sample.values)) == [])
        #expect(local.receive(.artimExpired) == [.closeTransport])
    }

    @Test("Primitives in blank cells are refused")
    func refusedPrimitives() {
        var machine = Machine(role: .acceptor)
        #expect(throws: Machine.InvalidPrimitive(event: 9, state: .sta1)) {
            try machine.handle(.dataPrimitive(Sample.values))
        }
        var releasing = Machine(role: .requestor, state: .sta7)
        #expect(throws: Machine.InvalidPrimitive(event: 9, state: .sta7)) {
            try releasing.handle(.dataPrimitive(Sample.values))
        }
    }
}
