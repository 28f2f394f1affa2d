/// The DICOM Upper Layer state machine: PS3.8 Table 9-10, "DICOM Upper Layer Protocol State
/// Transition Table", for either end of an association.
///
/// A value type with no I/O: `handle(_:)` takes an event and returns the actions of the table
/// cell (send a PDU, indicate a primitive to the service-user, start or stop ARTIM, close the
/// transport), which a channel handler carries out. Events from the peer and the network never
/// fail; a primitive of the local user in a state whose cell is blank throws, so the caller
/// cannot, say, send P-DATA before the association is accepted.
///
/// Where a PDU arrives in a state that doesn't expect it, the table aborts: AA-8 once an
/// association exists (A-ABORT with source service-provider and reason "unexpected PDU", or the
/// decoder's reason for an invalid PDU), AA-1 while awaiting the A-ASSOCIATE-RQ. AA-1 names the
/// service-user as the source; we send the service-provider and the reason instead, because
/// only then is the reason significant (PS3.8 §9.3.8) and a peer's log can say what it did wrong.
public struct AssociationStateMachine: Sendable {
    public let role: Role
    public private(set) var state: State
    /// The last transition taken, for logs and tests; nil before the first one and after an
    /// event that the table ignores in the current state (no transport connection yet).
    public private(set) var lastTransition: Transition?
    /// The A-ASSOCIATE-RQ of Evt1, held until the transport connects (AE-1 → AE-2).
    private var pendingRequest: AssociateRequest?

    public init(role: Role) {
        self.role = role
        self.state = .sta1
    }

    /// A machine in any state, for tests of single table cells.
    init(role: Role, state: State) {
        self.role = role
        self.state = state
    }

    /// Takes one event; returns the actions of its table cell, in order.
    public mutating func handle(_ event: Event) throws(InvalidPrimitive) -> [Action] {
        lastTransition = nil
        if let actions = try primitive(event) { return actions }
        return network(event)
    }

    /// Network and transport events: these never fail.
    public mutating func receive(_ event: Event) -> [Action] {
        lastTransition = nil
        guard !event.isLocalPrimitive else { return [] }
        return network(event)
    }

    // MARK: Local primitives (Evt1, 7, 8, 9, 11, 14, 15)

    private mutating func primitive(_ event: Event) throws(InvalidPrimitive) -> [Action]? {
        let invalid = InvalidPrimitive(event: event.number, state: state)
        switch event {
        case .associateRequestPrimitive(let request):
            guard state == .sta1 else { throw invalid }
            pendingRequest = request
            return step(event, .ae1, to: .sta4, [.openTransport])

        case .associateAcceptPrimitive(let accept):
            guard state == .sta3 else { throw invalid }
            return step(event, .ae7, to: .sta6, [.send(.associateAccept(accept))])

        case .associateRejectPrimitive(let reject):
            guard state == .sta3 else { throw invalid }
            return step(event, .ae8, to: .sta13, [.send(.associateReject(reject)), .startARTIM])

        case .dataPrimitive(let values):
            switch state {
            case .sta6: return step(event, .dt1, to: .sta6, [.send(.data(values))])
            case .sta8: return step(event, .ar7, to: .sta8, [.send(.data(values))])
            default: throw invalid
            }

        case .releaseRequestPrimitive:
            guard state == .sta6 else { throw invalid }
            return step(event, .ar1, to: .sta7, [.send(.releaseRequest)])

        case .releaseResponsePrimitive:
            switch state {
            case .sta8, .sta12: return step(event, .ar4, to: .sta13, [.send(.releaseResponse), .startARTIM])
            case .sta9: return step(event, .ar9, to: .sta11, [.send(.releaseResponse)])
            default: throw invalid
            }

        case .abortPrimitive(let abort):
            switch state {
            case .sta1, .sta13:
                return []
            case .sta2:
                // Blank in the table (no service-user exists yet); a local abort there, as at
                // shutdown, just drops the connection, as AA-2 does.
                return step(event, .aa2, to: .sta1, [.stopARTIM, .closeTransport])
            case .sta4:
                return step(event, .aa2, to: .sta1, [.closeTransport])
            default:
                return step(event, .aa1, to: .sta13, [.send(.abort(abort)), .startARTIM])
            }

        default:
            return nil
        }
    }

    // MARK: Network and transport events (Evt2–6, 10, 12, 13, 16–19)

    private mutating func network(_ event: Event) -> [Action] {
        switch event {
        case .transportConnectConfirm:
            guard state == .sta4, let request = pendingRequest else { return [] }
            pendingRequest = nil
            return step(event, .ae2, to: .sta5, [.send(.associateRequest(request))])

        case .transportConnectIndication:
            guard state == .sta1 else { return [] }
            return step(event, .ae5, to: .sta2, [.startARTIM])

        case .associateAcceptPDU(let accept):
            guard state == .sta5 else { return unexpectedPDU(event) }
            return step(event, .ae3, to: .sta6, [.indicate(.associateAccept(accept))])

        case .associateRejectPDU(let reject):
            guard state == .sta5 else { return unexpectedPDU(event) }
            return step(event, .ae4, to: .sta1, [.indicate(.associateReject(reject)), .closeTransport])

        case .associateRequestPDU(let request):
            switch state {
            case .sta2: return associationRequested(request)
            case .sta13: return step(event, .aa7, to: .sta13, [.send(.abort(.serviceProvider(.unexpectedPDU)))])
            default: return unexpectedPDU(event)
            }

        case .dataPDU(let values):
            switch state {
            case .sta6: return step(event, .dt2, to: .sta6, [.indicate(.data(values))])
            case .sta7: return step(event, .ar6, to: .sta7, [.indicate(.data(values))])
            default: return unexpectedPDU(event)
            }

        case .releaseRequestPDU:
            switch state {
            case .sta6: return step(event, .ar2, to: .sta8, [.indicate(.releaseRequest)])
            case .sta7:
                // A release collision: both ends asked to release at once.
                return step(event, .ar8, to: role == .requestor ? .sta9 : .sta10, [.indicate(.releaseRequest)])
            default: return unexpectedPDU(event)
            }

        case .releaseResponsePDU:
            switch state {
            case .sta7, .sta11: return step(event, .ar3, to: .sta1, [.indicate(.releaseConfirm), .closeTransport])
            case .sta10: return step(event, .ar10, to: .sta12, [.indicate(.releaseConfirm)])
            default: return unexpectedPDU(event)
            }

        case .abortPDU(let abort):
            switch state {
            case .sta1, .sta4: return []
            case .sta2, .sta13: return step(event, .aa2, to: .sta1, [.stopARTIM, .closeTransport])
            default: return step(event, .aa3, to: .sta1, [.indicate(.abort(abort)), .closeTransport])
            }

        case .transportClosed:
            switch state {
            case .sta1: return []
            case .sta2: return step(event, .aa5, to: .sta1, [.stopARTIM])
            case .sta13: return step(event, .ar5, to: .sta1, [.stopARTIM])
            default: return step(event, .aa4, to: .sta1, [.indicate(.connectionLost)])
            }

        case .artimExpired:
            guard state == .sta2 || state == .sta13 else { return [] }
            return step(event, .aa2, to: .sta1, [.closeTransport])

        case .invalidPDU(let reason):
            switch state {
            case .sta1, .sta4: return []
            case .sta2: return step(event, .aa1, to: .sta13, [.send(.abort(.serviceProvider(reason))), .startARTIM])
            case .sta13: return step(event, .aa7, to: .sta13, [.send(.abort(.serviceProvider(reason)))])
            default: return providerAbort(event, reason)
            }

        default:
            return []
        }
    }

    /// AE-6: stop ARTIM; indicate the request if the service-provider can take it, else reject.
    /// The provider's one test is the protocol version: bit 0 set (PS3.8 §9.3.2, 7-8).
    private mutating func associationRequested(_ request: AssociateRequest) -> [Action] {
        let event = Event.associateRequestPDU(request)
        guard request.protocolVersion & 1 == 1 else {
            let reject = AssociateReject(result: .permanent, source: .serviceProviderACSE(.protocolVersionNotSupported))
            return step(event, .ae6, to: .sta13, [.stopARTIM, .send(.associateReject(reject)), .startARTIM])
        }
        return step(event, .ae6, to: .sta3, [.stopARTIM, .indicate(.associateRequest(request))])
    }

    /// A valid PDU in a state that doesn't expect it (Evt3, 4, 10, 12, 13 off their cells):
    /// AA-1 while awaiting the A-ASSOCIATE-RQ, AA-6 (ignore) while closing, else AA-8.
    private mutating func unexpectedPDU(_ event: Event) -> [Action] {
        switch state {
        case .sta1, .sta4:
            return []
        case .sta2:
            return step(event, .aa1, to: .sta13, [.send(.abort(.serviceProvider(.unexpectedPDU))), .startARTIM])
        case .sta13:
            return step(event, .aa6, to: .sta13, [])
        default:
            return providerAbort(event, .unexpectedPDU)
        }
    }

    /// AA-8: send A-ABORT (service-provider source), issue A-P-ABORT, start ARTIM.
    private mutating func providerAbort(_ event: Event, _ reason: Abort.Reason) -> [Action] {
        step(
            event, .aa8, to: .sta13,
            [.send(.abort(.serviceProvider(reason))), .indicate(.providerAbort(reason)), .startARTIM])
    }

    private mutating func step(_ event: Event, _ action: TableAction, to next: State, _ actions: [Action]) -> [Action] {
        lastTransition = Transition(event: event.number, from: state, action: action, to: next)
        state = next
        return actions
    }
}
