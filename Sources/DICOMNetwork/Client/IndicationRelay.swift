import NIOCore

/// The last handler of a client channel: hands the state machine's indications to the
/// association's queue, ends the queue when the connection closes, and holds reads of the
/// socket while the queue is full.
final class IndicationRelay: ChannelDuplexHandler {
    typealias InboundIn = AssociationStateMachine.Indication
    typealias OutboundIn = PDU
    typealias OutboundOut = PDU

    private let queue: IndicationQueue

    init(_ queue: IndicationQueue) {
        self.queue = queue
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        // A held read restarts from the reader's thread; `read()` goes to the event loop.
        queue.setResumeReading { channel.read() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        queue.append(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        queue.finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        queue.finish()
    }

    func read(context: ChannelHandlerContext) {
        if queue.shouldRead() { context.read() }
    }
}
