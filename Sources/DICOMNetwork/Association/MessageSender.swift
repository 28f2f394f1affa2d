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

extension MessageSender {
    /// One message whose data set is sent as it is read (from a blob store, say): each chunk
    /// goes out before the next is asked for, so one instance is never whole in memory. A
    /// data set that can't be read throws `DataSetReadFailure`: `.beforeCommand` when nothing
    /// was sent (the message can fail cleanly), `.afterCommand` when the peer holds half a
    /// message, which only an A-ABORT ends.
    func send<Chunks: AsyncSequence<ByteBuffer, any Error>>(
        _ message: DIMSEMessage, dataSetChunks chunks: Chunks, contextID: UInt8
    ) async throws {
        guard message.hasDataSet else {
            throw DIMSEError.dataSetPresenceMismatch(command: message.commandField, announced: false)
        }
        var iterator = chunks.makeAsyncIterator()
        // The first chunk before the command: a data set that can't be read fails cleanly.
        var held: ByteBuffer
        do {
            held = try await iterator.next() ?? ByteBuffer()
        } catch {
            throw DataSetReadFailure.beforeCommand("\(error)")
        }
        try await write(try writer.commandFragments(for: message, contextID: contextID).map { PDU.data([$0]) })
        while true {
            let next: ByteBuffer?
            do {
                next = try await iterator.next()
            } catch {
                throw DataSetReadFailure.afterCommand("\(error)")
            }
            try await writeBatches(writer.dataFragments(held, contextID: contextID, isLastChunk: next == nil))
            guard let next else { return }
            held = next
        }
    }

    private func writeBatches(_ fragments: [PresentationDataValue]) async throws {
        var start = 0
        while start < fragments.count {
            let end = min(start + Self.batchSize, fragments.count)
            try await write(fragments[start..<end].map { PDU.data([$0]) })
            start = end
        }
    }
}

/// A data set being sent could not be read.
enum DataSetReadFailure: Error, Sendable {
    case beforeCommand(String)
    case afterCommand(String)
}
