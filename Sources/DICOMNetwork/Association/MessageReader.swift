import NIOCore

/// Reads DIMSE messages from an association's indications (PS3.7 §6.3.1, PS3.8 Annex E):
/// P-DATA indications go through a `MessageAssembler`, one PDV at a time; the other
/// indications say the association is being released or has ended.
///
/// Generic over the indication sequence, so that the server (an `NIOAsyncChannel`) and the
/// client (a stream fed by its channel handler) share it.
struct MessageReader<Indications: AsyncIteratorProtocol>
where Indications.Element == AssociationStateMachine.Indication {
    enum Event: Sendable, Equatable {
        case command(contextID: UInt8, DIMSEMessage)
        case dataFragment(ByteBuffer, isLast: Bool)
        case dataSet(ByteBuffer)
        /// The peer asks to release (A-RELEASE indication), between messages.
        case releaseRequested
        /// The peer answered our A-RELEASE-RQ (A-RELEASE confirmation).
        case releaseConfirmed
        /// Nothing more will come.
        case ended(AssociationEnd)
    }

    private var indications: Indications
    private var assembler: MessageAssembler
    private let acceptedContexts: Set<UInt8>
    private var pending: [PresentationDataValue] = []
    private var next = 0

    init(indications: Indications, acceptedContexts: Set<UInt8>, assembler: MessageAssembler = MessageAssembler()) {
        self.indications = indications
        self.acceptedContexts = acceptedContexts
        self.assembler = assembler
    }

    /// The next event. Throws `ProtocolViolation` for PDVs that break PS3.7/PS3.8: the caller
    /// aborts the association with its reason; `OperationCancelled` from a client's read that
    /// gives way to cancellation (`IndicationQueue`).
    mutating func read(isolation: isolated (any Actor)? = #isolation) async throws -> Event {
        while true {
            if next < pending.count {
                let value = pending[next]
                next += 1
                guard acceptedContexts.contains(value.contextID) else {
                    throw ProtocolViolation.unacceptedContext(value.contextID)
                }
                let event: MessageAssembler.Event?
                do {
                    event = try assembler.receive(value)
                } catch {
                    throw ProtocolViolation.assembly(error)
                }
                switch event {
                case .command(let contextID, let message): return .command(contextID: contextID, message)
                case .dataFragment(_, let bytes, let isLast): return .dataFragment(bytes, isLast: isLast)
                case .dataSet(_, let bytes): return .dataSet(bytes)
                case nil: continue
                }
            }
            let indication: AssociationStateMachine.Indication?
            do {
                indication = try await indications.next(isolation: isolation)
            } catch let cancelled as OperationCancelled {
                // A client's cancellable read: the association goes on, the operation cancels.
                throw cancelled
            } catch {
                return .ended(.interrupted(String(describing: error)))
            }
            switch indication {
            case .data(let values):
                pending = values
                next = 0
            case .releaseRequest:
                guard assembler.isBetweenMessages else { throw ProtocolViolation.releaseInsideMessage }
                return .releaseRequested
            case .releaseConfirm:
                return .releaseConfirmed
            case .abort(let abort):
                return .ended(.aborted(abort))
            case .providerAbort(let reason):
                return .ended(.protocolError(reason))
            case .connectionLost:
                return .ended(.connectionLost)
            case nil:
                return .ended(.closed)
            case .associateRequest, .associateAccept, .associateReject:
                // The state machine indicates these only before the association exists.
                continue
            }
        }
    }
}

/// How an association ended, as its user sees it.
public enum AssociationEnd: Sendable, Equatable, CustomStringConvertible {
    /// The connection closed after a release, or as the last step of an abort we sent.
    case closed
    /// The peer sent A-ABORT.
    case aborted(Abort)
    /// The peer broke the protocol; we sent A-ABORT with this reason.
    case protocolError(Abort.Reason)
    /// The connection dropped without release or abort.
    case connectionLost
    /// The reading task stopped (cancelled, or the channel failed).
    case interrupted(String)

    public var description: String {
        switch self {
        case .closed: "connection closed"
        case .aborted(let abort): "peer aborted (source \(abort.source.rawValue), reason \(abort.reason.rawValue))"
        case .protocolError(let reason): "protocol error, aborted with reason \(reason.rawValue)"
        case .connectionLost: "connection lost"
        case .interrupted(let why): "interrupted: \(why)"
        }
    }
}

/// A peer's P-DATA that breaks DIMSE or the negotiation: ends the association with A-ABORT.
enum ProtocolViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// A PDV on a presentation context that was not accepted (PS3.8 §9.3.5).
    case unacceptedContext(UInt8)
    case assembly(MessageAssemblyError)
    /// An A-RELEASE-RQ between the fragments of a message.
    case releaseInsideMessage

    /// The A-ABORT reason (PS3.8 Table 9-26).
    var abortReason: Abort.Reason {
        switch self {
        case .unacceptedContext: .invalidPDUParameterValue
        case .assembly(.commandSetTooLarge), .assembly(.dataSetTooLarge), .assembly(.invalidCommand):
            .invalidPDUParameterValue
        case .assembly: .unexpectedPDUParameter
        case .releaseInsideMessage: .unexpectedPDU
        }
    }

    var description: String {
        switch self {
        case .unacceptedContext(let id): "PDV on presentation context \(id), which was not accepted"
        case .assembly(let error): error.description
        case .releaseInsideMessage: "A-RELEASE-RQ in the middle of a message"
        }
    }
}
