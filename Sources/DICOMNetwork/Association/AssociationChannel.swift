import NIOCore

/// The pipeline of an association's channel, for both ends: PDU framing with a limit that
/// grows once the association exists, the PDU encoder, and the state machine's handler.
enum AssociationChannel {
    static func addHandlers(to channel: any Channel, configuration: UpperLayerHandler.Configuration) throws {
        let limit = PDULengthLimit()
        let operations = channel.pipeline.syncOperations
        // Room for one whole PDU and the start of the next, never more.
        let bufferLimit = 2 * (Int(max(configuration.maximumPDULength, PDULengthLimit.establishment)) + 6)
        try operations.addHandler(
            ByteToMessageHandler(AssociationPDUDecoder(limit: limit), maximumBufferSize: bufferLimit))
        try operations.addHandler(MessageToByteHandler(PDUEncoder()))
        try operations.addHandler(UpperLayerHandler(configuration: configuration, limit: limit))
    }
}
