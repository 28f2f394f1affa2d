import NIOCore

/// Writes outbound PDUs (PS3.8 §9.3) to the channel. A P-DATA-TF whose one fragment is large
/// goes out as two buffers: its 12 bytes of headers, then the fragment itself, a slice of the
/// data set (the socket gathers them with writev), so bulk data is never copied into a PDU.
/// Every other PDU is encoded into one buffer, as `PDUEncoder` does.
final class PDUWriter: ChannelOutboundHandler {
    typealias OutboundIn = PDU
    typealias OutboundOut = ByteBuffer

    /// Below this, copying the fragment costs less than another buffer for the socket.
    static let gatherThreshold = 4_096

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let pdu = unwrapOutboundIn(data)
        if case .data(let values) = pdu, values.count == 1, let value = values.first,
            value.data.readableBytes >= Self.gatherThreshold,
            let itemLength = UInt32(exactly: value.data.readableBytes + 2), itemLength <= UInt32.max - 4
        {
            var header = context.channel.allocator.buffer(capacity: 12)
            // 1 PDU-type, 2 Reserved, 3-6 PDU-length; the PDV item: 1-4 Item-length,
            // 5 Presentation-context-ID, 6 message control header; then the fragment.
            header.writeInteger(PDUType.data)
            header.writeInteger(UInt8(0))
            header.writeInteger(itemLength + 4)
            header.writeInteger(itemLength)
            header.writeInteger(value.contextID)
            header.writeInteger(value.messageControlHeader)
            context.write(wrapOutboundOut(header), promise: nil)
            context.write(wrapOutboundOut(value.data), promise: promise)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 256)
        do {
            try pdu.encode(into: &buffer)
        } catch {
            promise?.fail(error)
            return
        }
        context.write(wrapOutboundOut(buffer), promise: promise)
    }
}
