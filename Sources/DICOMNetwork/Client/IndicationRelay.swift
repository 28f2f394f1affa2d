import NIOCore

/// The last handler of a client channel: hands the state machine's indications to the
/// association's stream, and ends the stream when the connection closes.
final class IndicationRelay: ChannelInboundHandler {
    typealias InboundIn = AssociationStateMachine.Indication

    private let continuation: AsyncStream<AssociationStateMachine.Indication>.Continuation

    init(_ continuation: AsyncStream<AssociationStateMachine.Indication>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        continuation.finish()
    }
}
