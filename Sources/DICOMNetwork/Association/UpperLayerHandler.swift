import NIOCore

/// Runs the Upper Layer state machine on a channel: PDUs from the decoder and writes from
/// the service-user go through `AssociationStateMachine`, whose actions this handler carries
/// out — send PDUs, hand indications on, run the ARTIM timer, close the connection.
///
/// Inbound it turns PDUs into `AssociationStateMachine.Indication`s; outbound it takes the PDUs
/// the user wants sent (A-ASSOCIATE-AC, P-DATA-TF, A-RELEASE-RP, A-ABORT, …) and fails the write
/// when the table doesn't allow them in the current state. Decoder errors become Evt19 (an
/// A-ABORT with the error's reason), so the user sees `.providerAbort`, never a thrown error.
final class UpperLayerHandler: ChannelDuplexHandler {
    typealias InboundIn = PDU
    typealias InboundOut = AssociationStateMachine.Indication
    typealias OutboundIn = PDU
    typealias OutboundOut = PDU

    struct Configuration {
        var role: AssociationStateMachine.Role
        var artimTimeout: TimeAmount
        /// An established association silent this long in both directions is aborted.
        var idleTimeout: TimeAmount?
        /// Our maximum PDU length, which the decoder enforces once the association is established.
        var maximumPDULength: UInt32
    }

    private var machine: AssociationStateMachine
    private let configuration: Configuration
    private let limit: PDULengthLimit
    private var context: ChannelHandlerContext?
    private var artim: Scheduled<Void>?
    private var idleCheck: Scheduled<Void>?
    private var lastActivity = NIODeadline.uptimeNanoseconds(0)
    private var isActive = false
    /// Set while handling a read: indications then reach the user with the read's
    /// channelReadComplete; outside a read we fire one ourselves.
    private var inRead = false

    /// The state, for tests and diagnostics.
    var state: AssociationStateMachine.State { machine.state }

    init(configuration: Configuration, limit: PDULengthLimit) {
        self.machine = AssociationStateMachine(role: configuration.role)
        self.configuration = configuration
        self.limit = limit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { becameActive(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        becameActive(context: context)
        context.fireChannelActive()
    }

    /// Evt5 for an acceptor; a requestor waits for its A-ASSOCIATE-RQ (Evt1) to connect.
    private func becameActive(context: ChannelHandlerContext) {
        guard !isActive else { return }
        isActive = true
        switch machine.state {
        case .sta1 where configuration.role == .acceptor:
            execute(machine.receive(.transportConnectIndication), context: context)
        case .sta4:
            execute(machine.receive(.transportConnectConfirm), context: context)
        default:
            break
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = context.eventLoop.now
        inRead = true
        defer { inRead = false }
        execute(machine.receive(.received(unwrapInboundIn(data))), context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        execute(machine.receive(.transportClosed), context: context)
        context.fireChannelInactive()
    }

    /// A PDU the decoder refused is Evt19; any other error means the transport failed, and
    /// closing it raises Evt17. Neither is passed on: the user learns of both as indications.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? PDUError {
            execute(machine.receive(.invalidPDU(error.abortReason)), context: context)
        } else if case ByteToMessageDecoderError.dataReceivedInErrorState = error {
            // More bytes after a PDU we refused: the A-ABORT is sent already.
            return
        } else if error is ByteToMessageDecoderError || error is ByteToMessageDecoderError.PayloadTooLargeError {
            execute(machine.receive(.invalidPDU(.invalidPDUParameterValue)), context: context)
        } else {
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        lastActivity = context.eventLoop.now
        let actions: [AssociationStateMachine.Action]
        do {
            actions = try machine.handle(.requested(unwrapOutboundIn(data)))
        } catch {
            promise?.fail(error)
            return
        }
        execute(actions, context: context, fromUser: true, promise: promise)
    }

    /// Carries out the actions of one transition. The PDU a user's write asked for is written
    /// with that write's promise (flushed by the user); PDUs the machine sends on its own
    /// (A-ABORT, A-ASSOCIATE-RJ from AE-6) are flushed at once.
    private func execute(
        _ actions: [AssociationStateMachine.Action], context: ChannelHandlerContext, fromUser: Bool = false,
        promise userPromise: EventLoopPromise<Void>? = nil
    ) {
        var promise = userPromise
        var indicated = false
        for action in actions {
            switch action {
            case .openTransport:
                // The channel exists already: a requestor's transport is connected before the
                // pipeline sees the A-ASSOCIATE-RQ, so AE-1 completes at once (Evt2).
                if isActive {
                    execute(
                        machine.receive(.transportConnectConfirm), context: context, fromUser: fromUser,
                        promise: promise)
                    promise = nil
                }
            case .send(let pdu):
                if fromUser {
                    context.write(wrapOutboundOut(pdu), promise: promise)
                    promise = nil
                } else {
                    context.writeAndFlush(wrapOutboundOut(pdu), promise: nil)
                }
            case .indicate(let indication):
                context.fireChannelRead(wrapInboundOut(indication))
                indicated = true
            case .startARTIM:
                startARTIM(context: context)
            case .stopARTIM:
                artim?.cancel()
                artim = nil
            case .closeTransport:
                context.close(promise: nil)
            }
        }
        promise?.succeed()
        if indicated, !inRead { context.fireChannelReadComplete() }
        afterTransition()
    }

    /// Once established, P-DATA-TF PDUs up to our maximum are allowed and silence is watched.
    private func afterTransition() {
        guard let action = machine.lastTransition?.action, action == .ae3 || action == .ae7 else { return }
        limit.value = configuration.maximumPDULength
        scheduleIdleCheck()
    }

    private func startARTIM(context: ChannelHandlerContext) {
        artim?.cancel()
        artim = context.eventLoop.assumeIsolated().scheduleTask(in: configuration.artimTimeout) { [self] in
            artim = nil
            guard let context = self.context else { return }
            execute(machine.receive(.artimExpired), context: context)
        }
    }

    /// Checks for silence when the idle timeout could have passed since the last PDU, rather
    /// than rescheduling a timer for every PDU.
    private func scheduleIdleCheck() {
        guard let timeout = configuration.idleTimeout, let context else { return }
        idleCheck?.cancel()
        let due = lastActivity + timeout
        idleCheck = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [self] in
            idleCheck = nil
            guard let context = self.context, (6...12).contains(machine.state.rawValue) else { return }
            if context.eventLoop.now < lastActivity + timeout {
                scheduleIdleCheck()
            } else {
                // A local A-ABORT (AA-1): the peer gets an A-ABORT, the user the end of the stream.
                let actions = (try? machine.handle(.abortPrimitive(.serviceUser))) ?? []
                execute(actions, context: context)
            }
        }
    }

    private func cancelTimers() {
        artim?.cancel()
        artim = nil
        idleCheck?.cancel()
        idleCheck = nil
    }
}
