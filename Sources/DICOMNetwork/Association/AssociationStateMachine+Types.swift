extension AssociationStateMachine {
    /// Which end of the association this machine runs: it matters only for a release
    /// collision (AR-8), where the requestor goes to Sta9 and the acceptor to Sta10.
    public enum Role: Sendable, Hashable {
        case requestor
        case acceptor
    }

    /// The states of PS3.8 Table 9-10 (defined in §9.2.1, Tables 9-1 to 9-5).
    public enum State: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Idle: no transport connection.
        case sta1 = 1
        /// Transport connection open, awaiting A-ASSOCIATE-RQ PDU (acceptor; ARTIM running).
        case sta2
        /// Awaiting local A-ASSOCIATE response primitive (acceptor).
        case sta3
        /// Awaiting transport connection opening to complete (requestor).
        case sta4
        /// Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU (requestor).
        case sta5
        /// Association established and ready for data transfer.
        case sta6
        /// Awaiting A-RELEASE-RP PDU.
        case sta7
        /// Awaiting local A-RELEASE response primitive.
        case sta8
        /// Release collision requestor side: awaiting A-RELEASE response primitive.
        case sta9
        /// Release collision acceptor side: awaiting A-RELEASE-RP PDU.
        case sta10
        /// Release collision requestor side: awaiting A-RELEASE-RP PDU.
        case sta11
        /// Release collision acceptor side: awaiting A-RELEASE response primitive.
        case sta12
        /// Awaiting transport connection close indication (ARTIM running).
        case sta13

        public var description: String { "Sta\(rawValue)" }
    }

    /// The events of PS3.8 Table 9-10 (defined in §9.2.2, Table 9-6). Primitives come from the
    /// local service-user, PDUs and transport events from the peer and the network.
    public enum Event: Sendable, Equatable, CustomStringConvertible {
        /// Evt1: A-ASSOCIATE request (local user).
        case associateRequestPrimitive(AssociateRequest)
        /// Evt2: transport connection confirm (local transport service).
        case transportConnectConfirm
        /// Evt3: A-ASSOCIATE-AC PDU received.
        case associateAcceptPDU(AssociateAccept)
        /// Evt4: A-ASSOCIATE-RJ PDU received.
        case associateRejectPDU(AssociateReject)
        /// Evt5: transport connection indication (local transport service).
        case transportConnectIndication
        /// Evt6: A-ASSOCIATE-RQ PDU received.
        case associateRequestPDU(AssociateRequest)
        /// Evt7: A-ASSOCIATE response primitive (accept).
        case associateAcceptPrimitive(AssociateAccept)
        /// Evt8: A-ASSOCIATE response primitive (reject).
        case associateRejectPrimitive(AssociateReject)
        /// Evt9: P-DATA request primitive.
        case dataPrimitive([PresentationDataValue])
        /// Evt10: P-DATA-TF PDU received.
        case dataPDU([PresentationDataValue])
        /// Evt11: A-RELEASE request primitive.
        case releaseRequestPrimitive
        /// Evt12: A-RELEASE-RQ PDU received.
        case releaseRequestPDU
        /// Evt13: A-RELEASE-RP PDU received.
        case releaseResponsePDU
        /// Evt14: A-RELEASE response primitive.
        case releaseResponsePrimitive
        /// Evt15: A-ABORT request primitive, with the A-ABORT PDU to send.
        case abortPrimitive(Abort)
        /// Evt16: A-ABORT PDU received.
        case abortPDU(Abort)
        /// Evt17: transport connection closed indication.
        case transportClosed
        /// Evt18: ARTIM timer expired.
        case artimExpired
        /// Evt19: unrecognized or invalid PDU received; the reason goes into the A-ABORT sent back.
        case invalidPDU(Abort.Reason)

        /// The event that receiving `pdu` is.
        public static func received(_ pdu: PDU) -> Event {
            switch pdu {
            case .associateRequest(let request): .associateRequestPDU(request)
            case .associateAccept(let accept): .associateAcceptPDU(accept)
            case .associateReject(let reject): .associateRejectPDU(reject)
            case .data(let values): .dataPDU(values)
            case .releaseRequest: .releaseRequestPDU
            case .releaseResponse: .releaseResponsePDU
            case .abort(let abort): .abortPDU(abort)
            }
        }

        /// The event that the local user asking to send `pdu` is (Evt1, 7, 8, 9, 11, 14, 15).
        public static func requested(_ pdu: PDU) -> Event {
            switch pdu {
            case .associateRequest(let request): .associateRequestPrimitive(request)
            case .associateAccept(let accept): .associateAcceptPrimitive(accept)
            case .associateReject(let reject): .associateRejectPrimitive(reject)
            case .data(let values): .dataPrimitive(values)
            case .releaseRequest: .releaseRequestPrimitive
            case .releaseResponse: .releaseResponsePrimitive
            case .abort(let abort): .abortPrimitive(abort)
            }
        }

        /// 1–19, the standard's numbering.
        public var number: Int {
            switch self {
            case .associateRequestPrimitive: 1
            case .transportConnectConfirm: 2
            case .associateAcceptPDU: 3
            case .associateRejectPDU: 4
            case .transportConnectIndication: 5
            case .associateRequestPDU: 6
            case .associateAcceptPrimitive: 7
            case .associateRejectPrimitive: 8
            case .dataPrimitive: 9
            case .dataPDU: 10
            case .releaseRequestPrimitive: 11
            case .releaseRequestPDU: 12
            case .releaseResponsePDU: 13
            case .releaseResponsePrimitive: 14
            case .abortPrimitive: 15
            case .abortPDU: 16
            case .transportClosed: 17
            case .artimExpired: 18
            case .invalidPDU: 19
            }
        }

        /// Whether the event is a primitive of the local service-user, which may be refused.
        var isLocalPrimitive: Bool { [1, 7, 8, 9, 11, 14, 15].contains(number) }

        public var description: String { "Evt\(number)" }
    }

    /// The actions of PS3.8 Tables 9-7 to 9-9, by their labels; the table's cell for a state
    /// and an event names one.
    public enum TableAction: String, Sendable, Hashable {
        case ae1 = "AE-1"
        case ae2 = "AE-2"
        case ae3 = "AE-3"
        case ae4 = "AE-4"
        case ae5 = "AE-5"
        case ae6 = "AE-6"
        case ae7 = "AE-7"
        case ae8 = "AE-8"
        case dt1 = "DT-1"
        case dt2 = "DT-2"
        case ar1 = "AR-1"
        case ar2 = "AR-2"
        case ar3 = "AR-3"
        case ar4 = "AR-4"
        case ar5 = "AR-5"
        case ar6 = "AR-6"
        case ar7 = "AR-7"
        case ar8 = "AR-8"
        case ar9 = "AR-9"
        case ar10 = "AR-10"
        case aa1 = "AA-1"
        case aa2 = "AA-2"
        case aa3 = "AA-3"
        case aa4 = "AA-4"
        case aa5 = "AA-5"
        case aa6 = "AA-6"
        case aa7 = "AA-7"
        case aa8 = "AA-8"
    }

    /// What the caller carries out for a transition, in order.
    public enum Action: Sendable, Equatable {
        /// Open the transport connection to the peer (AE-1).
        case openTransport
        /// Write this PDU to the peer.
        case send(PDU)
        /// Hand this primitive to the local service-user.
        case indicate(Indication)
        /// Start the ARTIM timer, or restart it if it runs.
        case startARTIM
        case stopARTIM
        case closeTransport
    }

    /// The primitives the machine hands to its service-user (PS3.8 §7).
    public enum Indication: Sendable, Equatable {
        /// A-ASSOCIATE indication (acceptor): the peer proposes this association.
        case associateRequest(AssociateRequest)
        /// A-ASSOCIATE confirmation (requestor): accepted.
        case associateAccept(AssociateAccept)
        /// A-ASSOCIATE confirmation (requestor): rejected; the transport is closed.
        case associateReject(AssociateReject)
        /// P-DATA indication.
        case data([PresentationDataValue])
        /// A-RELEASE indication: the peer asks to release; answer with A-RELEASE-RP.
        case releaseRequest
        /// A-RELEASE confirmation: the peer answered our A-RELEASE-RQ.
        case releaseConfirm
        /// A-ABORT (or A-P-ABORT from the peer's provider): the peer's A-ABORT PDU arrived.
        case abort(Abort)
        /// A-P-ABORT raised here: the peer broke the protocol; an A-ABORT with this reason was sent.
        case providerAbort(Abort.Reason)
        /// A-P-ABORT raised here: the transport connection closed without release or abort.
        case connectionLost
    }

    /// A primitive the local user asked for in a state whose table cell for it is blank.
    public struct InvalidPrimitive: Error, Sendable, Equatable, CustomStringConvertible {
        public var event: Int
        public var state: State

        public var description: String { "Evt\(event) is not allowed in \(state) (PS3.8 Table 9-10)" }
    }

    /// One step of the machine, kept for logs and tests.
    public struct Transition: Sendable, Equatable {
        public var event: Int
        public var from: State
        public var action: TableAction
        public var to: State
    }
}
