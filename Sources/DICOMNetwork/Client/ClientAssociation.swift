public import DICOM
public import NIOCore
import Synchronization

/// An association this process requested: DIMSE operations one at a time (no asynchronous
/// operations window is negotiated), then `release()` or `abort()`.
///
/// Operations called concurrently wait for each other. A `find` whose results are not read to
/// the end is cancelled (C-CANCEL) by the next operation.
public actor ClientAssociation {
    /// What was negotiated: AE titles, accepted presentation contexts, the peer's maximum PDU length.
    public nonisolated let context: AssociationContext

    typealias Reader = MessageReader<IndicationQueue.Iterator>

    let channel: any Channel
    /// What the reader reads, shared with the channel: operations that can be cancelled make
    /// their reads give way to cancellation through it.
    let indications: IndicationQueue
    let options: DICOMClient.Options
    let sender: MessageSender
    var reader: Reader
    var nextMessageID: UInt16 = 1
    /// Set once the association is over; every operation then fails with it.
    var end: DICOMClientError?
    /// Serializes operations: the waiting ones, in order.
    var busy = false
    var waiting: [CheckedContinuation<Void, Never>] = []
    /// A C-FIND whose final response has not been read.
    var openFind: UInt16?
    /// Aborts the association when a response, or the release, is overdue.
    let watchdog: Watchdog

    init(
        channel: any Channel, context: AssociationContext, indications: IndicationQueue, options: DICOMClient.Options
    ) throws {
        self.channel = channel
        self.indications = indications
        self.watchdog = Watchdog(channel: channel)
        self.context = context
        self.reader = Reader(
            indications: IndicationQueue.Iterator(queue: indications),
            acceptedContexts: Set(context.presentationContexts.map(\.id)))
        self.options = options
        self.sender = try MessageSender(maximumPDULength: context.sendingPDULength) { [channel] pdus in
            try await channel.write(pdus: pdus)
        }
    }

    deinit {
        channel.close(promise: nil)
    }

    // MARK: Establishment

    static func establish(
        channel: any Channel, request: AssociateRequest,
        indications: IndicationQueue, options: DICOMClient.Options
    ) async throws -> ClientAssociation {
        let fired = Flag()
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(options.associationTimeout)) {
            fired.set()
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        try await channel.writeAndFlush(PDU.associateRequest(request)).get()
        switch try await indications.next() {
        case .associateAccept(let accept):
            let context = negotiated(request: request, accept: accept, channel: channel)
            return try ClientAssociation(channel: channel, context: context, indications: indications, options: options)
        case .associateReject(let reject):
            throw DICOMClientError.rejected(reject)
        case .abort(let abort):
            throw DICOMClientError.ended(.aborted(abort))
        case .providerAbort(let reason):
            throw DICOMClientError.ended(.protocolError(reason))
        default:
            channel.close(promise: nil)
            throw fired.isSet ? DICOMClientError.timedOut(.association) : .ended(.connectionLost)
        }
    }

    /// The association as the A-ASSOCIATE-AC describes it: the accepted contexts (with a
    /// transfer syntax we proposed), the peer's maximum length and identity.
    static func negotiated(request: AssociateRequest, accept: AssociateAccept, channel: any Channel)
        -> AssociationContext
    {
        let contexts = request.presentationContexts.compactMap { proposal -> NegotiatedPresentationContext? in
            guard let result = accept.presentationContexts.first(where: { $0.id == proposal.id }),
                result.result == .acceptance, let syntax = result.transferSyntax,
                proposal.transferSyntaxes.contains(syntax)
            else { return nil }
            return NegotiatedPresentationContext(
                id: proposal.id, abstractSyntax: proposal.abstractSyntax, transferSyntax: syntax)
        }
        let peer = channel.remoteAddress
        return AssociationContext(
            callingAETitle: request.callingAETitle, calledAETitle: request.calledAETitle, peerHost: peer?.ipAddress,
            peerPort: peer?.port, presentationContexts: contexts,
            peerMaximumPDULength: accept.userInformation.maximumLength
                ?? AssociationNegotiator.defaultPeerMaximumPDULength,
            maximumPDULength: request.userInformation.maximumLength ?? PDULengthLimit.establishment,
            peerImplementationClassUID: accept.userInformation.implementationClassUID,
            peerImplementationVersionName: accept.userInformation.implementationVersionName,
            userIdentity: request.userInformation.userIdentity,
            userIdentityServerResponse: accept.userInformation.userIdentityServerResponse,
            operationsInvoked: operationsInvoked(proposed: request, accepted: accept))
    }

    /// The window the acceptor allowed: none unless it answered our proposal, and never more
    /// than we proposed (0 allows any number).
    private static func operationsInvoked(proposed request: AssociateRequest, accepted accept: AssociateAccept) -> Int {
        guard let proposed = request.userInformation.asynchronousOperationsWindow?.maximumOperationsInvoked,
            let allowed = accept.userInformation.asynchronousOperationsWindow?.maximumOperationsInvoked
        else { return 1 }
        return Int(allowed == 0 ? proposed : min(allowed, proposed))
    }

    // MARK: Operations

    /// C-ECHO (PS3.7 §9.1.5): the peer's status.
    public func echo() async throws -> DIMSEStatus {
        try await exclusively {
            let context = try presentationContext(for: .verification)
            let id = messageID()
            try await send(.cEchoRequest(CEchoRequest(messageID: id)), contextID: context.id)
            guard case .cEchoResponse(let response) = try await response(to: id) else {
                throw DICOMClientError.unexpectedMessage("not a C-ECHO-RSP")
            }
            return response.status
        }
    }

    /// C-STORE (PS3.7 §9.1.1) of a data set already encoded in `transferSyntax`: its bytes are
    /// sent as slices, never copied whole again. A C-MOVE's sub-operation names its originator
    /// (the AE title that asked for the move, and its C-MOVE-RQ's message ID).
    public func store(
        dataSet: ByteBuffer, sopClass: UID, sopInstance: UID, transferSyntax: UID, priority: DIMSEPriority = .medium,
        moveOriginatorAETitle: String? = nil, moveOriginatorMessageID: UInt16? = nil
    ) async throws -> DIMSEStatus {
        try await storeResponse(
            dataSet: dataSet, sopClass: sopClass, sopInstance: sopInstance, transferSyntax: transferSyntax,
            priority: priority, moveOriginatorAETitle: moveOriginatorAETitle,
            moveOriginatorMessageID: moveOriginatorMessageID
        ).status
    }

    /// C-STORE of a data set read as it is sent (from a blob store, say): each chunk goes out
    /// before the next is asked for. If the chunks stop with an error once the request is
    /// under way, the association is aborted (the peer holds half a message) and the error
    /// thrown; if the first one fails, nothing is sent.
    public func store<Chunks: AsyncSequence<ByteBuffer, any Error> & Sendable>(
        dataSetChunks: Chunks, sopClass: UID, sopInstance: UID, transferSyntax: UID,
        priority: DIMSEPriority = .medium, moveOriginatorAETitle: String? = nil, moveOriginatorMessageID: UInt16? = nil
    ) async throws -> DIMSEStatus {
        try await exclusively {
            let context = try presentationContext(for: sopClass, transferSyntax: transferSyntax, exact: true)
            let id = messageID()
            let request = CStoreRequest(
                messageID: id, affectedSOPClassUID: sopClass, affectedSOPInstanceUID: sopInstance, priority: priority,
                moveOriginatorApplicationEntityTitle: moveOriginatorAETitle,
                moveOriginatorMessageID: moveOriginatorMessageID)
            do {
                try await sender.send(.cStoreRequest(request), dataSetChunks: dataSetChunks, contextID: context.id)
            } catch DataSetReadFailure.afterCommand(let reason) {
                await abort()
                throw DICOMClientError.ended(.interrupted("data set unreadable: \(reason)"))
            }
            guard case .cStoreResponse(let response) = try await response(to: id) else {
                throw DICOMClientError.unexpectedMessage("not a C-STORE-RSP")
            }
            return response.status
        }
    }

    /// C-STORE of a Part 10 file, as `storeOutcome(of:priority:)` sends it (its own transfer
    /// syntax when a context accepted it, else, for native pixel data, an accepted
    /// uncompressed one), answering with the status alone.
    public func store(_ file: DICOMFile, priority: DIMSEPriority = .medium) async throws -> DIMSEStatus {
        try await storeOutcome(of: file, priority: priority).status
    }

    /// A-RELEASE (PS3.8 §7.2): waits for the peer's A-RELEASE-RP; the connection then closes.
    public func release() async throws {
        try await exclusively {
            try await withTimeout(options.associationTimeout, phase: .release) {
                try await channel.writeAndFlush(PDU.releaseRequest).get()
                while true {
                    switch try await readEvent() {
                    case .releaseConfirmed:
                        end = .ended(.closed)
                        return
                    case .releaseRequested:
                        // A release collision (PS3.8 §9.2.2, Sta9): answer, then wait for ours.
                        try await channel.writeAndFlush(PDU.releaseResponse).get()
                    case .ended(let ending):
                        end = .ended(ending)
                        throw DICOMClientError.ended(ending)
                    default:
                        continue
                    }
                }
            }
        }
    }

    /// A-ABORT (PS3.8 §7.3): tells the peer and closes the connection without waiting.
    public func abort() async {
        if end == nil { end = .ended(.aborted(.serviceUser)) }
        try? await channel.writeAndFlush(PDU.abort(.serviceUser)).get()
        try? await channel.close()
    }
}

/// A flag one thread sets and another reads.
final class Flag: Sendable {
    private let value = Atomic(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() {
        value.store(true, ordering: .releasing)
    }
}
