import DICOM
import NIOCore

/// An established association on the server: reads requests one after the other and answers
/// each through its service (PS3.7 §9, PS3.4). C-FIND, C-GET and C-MOVE run beside the
/// reading, so that a C-CANCEL can stop them (and a C-GET's C-STORE-RSPs reach it). C-STOREs
/// are performed one at a time, or, within a negotiated asynchronous operations window, as
/// many at once as it allows; any other request waits until they are all answered.
struct AcceptorAssociation: Sendable {
    typealias Reader = MessageReader<NIOAsyncChannelInboundStream<AssociationStateMachine.Indication>.AsyncIterator>

    let context: AssociationContext
    let services: ServerServices
    let sender: MessageSender
    let writePDU: @Sendable (PDU) async throws -> Void
    let operations = OperationRegistry()
    let subOperationResponses = SubOperationResponses()
    let window: OperationWindow

    init(
        context: AssociationContext, services: ServerServices, sender: MessageSender,
        writePDU: @escaping @Sendable (PDU) async throws -> Void
    ) {
        self.context = context
        self.services = services
        self.sender = sender
        self.writePDU = writePDU
        self.window = OperationWindow(size: context.operationsInvoked)
    }

    /// Serves until the association ends. A violation is answered with A-ABORT; cancellation
    /// (server shutdown) lets the operation under way answer, then aborts.
    func serve(_ reader: inout Reader) async {
        await withDiscardingTaskGroup { group in
            defer { group.cancelAll() }
            while true {
                let event: Reader.Event
                do {
                    event = try await reader.read()
                } catch let violation as ProtocolViolation {
                    await abort(.serviceProvider(violation.abortReason))
                    return
                } catch {
                    await abort(.serviceUser)
                    return
                }
                switch event {
                case .command(let contextID, let message):
                    do {
                        try await handle(message, contextID: contextID, reader: &reader, group: &group)
                    } catch let violation as ProtocolViolation {
                        await abort(.serviceProvider(violation.abortReason))
                        return
                    } catch {
                        // The association ended under the operation, or a write failed.
                        await abort(.serviceUser)
                        return
                    }
                case .releaseRequested:
                    await window.drain()
                    try? await writePDU(.releaseResponse)
                case .ended(.interrupted):
                    // Cancelled (server shutdown) or the channel failed: nothing more is read.
                    try? await writePDU(.abort(.serviceUser))
                    return
                case .ended:
                    return
                case .dataFragment, .dataSet, .releaseConfirmed:
                    // Data sets are read by the operation of their command; we never release.
                    continue
                }
            }
        }
    }

    /// Sends A-ABORT; the caller then returns and the connection closes. (Waiting for the peer
    /// to close first, as Sta13 does, gains nothing: the PDU is written before the close, and a
    /// peer that breaks the protocol should not hold the connection for the ARTIM time.)
    private func abort(_ abort: Abort) async {
        operations.cancelAll()
        try? await writePDU(.abort(abort))
    }

    private func handle(
        _ message: DIMSEMessage, contextID: UInt8, reader: inout Reader, group: inout DiscardingTaskGroup
    ) async throws {
        // A request after C-STOREs under way sees what they stored (a C-FIND, a C-MOVE of the
        // study just sent); responses and C-CANCEL go straight through.
        let field = message.commandField
        if !field.isResponse, field != .cStoreRequest, field != .cCancelRequest {
            await window.drain()
        }
        switch message {
        case .cEchoRequest(let request):
            let result = await services.verification.verify(request, context: context)
            let response = CEchoResponse(
                messageIDBeingRespondedTo: request.messageID, affectedSOPClassUID: request.affectedSOPClassUID,
                status: result.status, errorComment: result.wireErrorComment)
            try await sender.send(.cEchoResponse(response), contextID: contextID)

        case .cStoreRequest(let request):
            try await store(request, contextID: contextID, reader: &reader, group: &group)

        case .cFindRequest(let request):
            let identifier = try await Self.assembledDataSet(from: &reader)
            startFind(request, identifier: identifier, contextID: contextID, group: &group)

        case .cGetRequest(let request):
            let identifier = try await Self.assembledDataSet(from: &reader)
            startGet(request, identifier: identifier, contextID: contextID, group: &group)

        case .cMoveRequest(let request):
            let identifier = try await Self.assembledDataSet(from: &reader)
            startMove(request, identifier: identifier, contextID: contextID, group: &group)

        case .cStoreResponse(let response):
            // A peer answering one of a C-GET's sub-operations.
            subOperationResponses.deliver(response)

        case .cCancelRequest(let request):
            operations.cancel(messageID: request.messageIDBeingRespondedTo)

        default:
            if message.hasDataSet { _ = try await Self.assembledDataSet(from: &reader) }
            try await refuse(message, contextID: contextID)
        }
    }

    /// The data set that follows a command whose data set is assembled.
    static func assembledDataSet(from reader: inout Reader) async throws -> ByteBuffer {
        switch try await reader.read() {
        case .dataSet(let bytes): return bytes
        case .ended(let end): throw AssociationInterrupted(reason: end.description)
        default: throw AssociationInterrupted(reason: "no data set after its command")
        }
    }

    /// A request of a service we don't run, or one that is no request: requests get status
    /// 0x0211 "unrecognized operation" (PS3.7 C.5.10), responses nobody asked for are dropped.
    private func refuse(_ message: DIMSEMessage, contextID: UInt8) async throws {
        let field = message.commandField.rawValue
        guard !message.commandField.isResponse, message.commandField != .cCancelRequest else { return }
        let request = message.commandSet
        var builder = CommandSet.Builder(CommandField(rawValue: field | 0x8000), hasDataSet: false)
        builder.set(.affectedSOPClassUID, request.uid(.affectedSOPClassUID))
        builder.set(.messageIDBeingRespondedTo, request[.messageID].flatMap(CommandSet.Reader.uint16))
        builder.set(.status, DIMSEStatus.unrecognizedOperation.rawValue)
        let response = DIMSEMessage.unknown(commandField: CommandField(rawValue: field | 0x8000), builder.commandSet)
        try await sender.send(response, contextID: contextID)
    }
}
