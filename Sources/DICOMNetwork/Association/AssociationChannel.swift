import NIOCore

/// The pipeline of an association's channel, for both ends: PDU framing with a limit that
/// grows once the association exists, the PDU writer, and the state machine's handler.
enum AssociationChannel {
    static func addHandlers(to channel: any Channel, configuration: UpperLayerHandler.Configuration) throws {
        let limit = PDULengthLimit()
        let operations = channel.pipeline.syncOperations
        // Room for one whole PDU and the start of the next, never more.
        let bufferLimit = 2 * (Int(max(configuration.maximumPDULength, PDULengthLimit.establishment)) + 6)
        // A read may take a whole PDU of our maximum: NIO reads 64 KiB at most by default, and
        // the parts of a PDU read apart are copied together before it is decoded.
        let readLimit = max(65_536, Int(configuration.maximumPDULength) + 6)
        try channel.syncOptions?.setOption(
            .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2_048, maximum: readLimit))
        try operations.addHandler(
            ByteToMessageHandler(AssociationPDUDecoder(limit: limit), maximumBufferSize: bufferLimit))
        try operations.addHandler(PDUWriter())
        try operations.addHandler(UpperLayerHandler(configuration: configuration, limit: limit))
    }
}
