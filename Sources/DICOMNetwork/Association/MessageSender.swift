import NIOCore

/// Writes DIMSE messages as P-DATA-TF PDUs sized for the peer (one PDV per PDU), through
/// whatever carries PDUs to the channel. A data set is written in batches, so that a large
/// one waits for the socket instead of queueing whole in the channel.
struct MessageSender: Sendable {
    let writer: MessageWriter
    private let write: @Sendable ([PDU]) async throws -> Void

    /// PDUs handed to the channel at once while streaming a data set.
    static let batchSize = 16

    init(maximumPDULength: UInt32, write: @escaping @Sendable ([PDU]) async throws -> Void) throws {
        self.writer = try MessageWriter(maximumPDULength: Int(maximumPDULength))
        self.write = write
    }

    /// One message: its command set, then its data set when it has one.
    func send(_ message: DIMSEMessage, dataSet: ByteBuffer? = nil, contextID: UInt8) async throws {
        guard message.hasDataSet == (dataSet != nil) else {
            throw DIMSEError.dataSetPresenceMismatch(command: message.commandField, announced: message.hasDataSet)
        }
        var pdus = try writer.commandFragments(for: message, contextID: contextID).map { PDU.data([$0]) }
        if let dataSet {
            let fragments = writer.dataFragments(dataSet, contextID: contextID)
            // Small data sets (identifiers) go out with their command in one write.
            var start = 0
            while start < fragments.count {
                let end = min(start + Self.batchSize, fragments.count)
                pdus += fragments[start..<end].map { PDU.data([$0]) }
                try await write(pdus)
                pdus = []
                start = end
            }
        }
        if !pdus.isEmpty { try await write(pdus) }
    }
}
