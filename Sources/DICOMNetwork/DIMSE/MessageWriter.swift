public import NIOCore

/// Cuts a DIMSE message into presentation data values for a peer's maximum PDU length
/// (PS3.7 §6.3.1, PS3.8 §9.3.5, Annex D.1, Annex E).
///
/// The maximum length the peer announces in its A-ASSOCIATE (PS3.8 D.1) bounds the variable
/// field of a P-DATA-TF PDU: its PDV items, each counted with its 4-byte item length. A PDV
/// item is that length, the presentation context ID, the message control header and the
/// fragment, so a fragment is at most the maximum minus 6. Every PDV returned here fits one
/// P-DATA-TF PDU of the peer's maximum by itself. Data fragments are slices of the data set
/// buffer, never copies.
public struct MessageWriter: Sendable {
    /// The peer's maximum PDU length; 0 means no maximum.
    public let maximumPDULength: Int
    /// The longest fragment one PDV may carry.
    public let maximumFragmentLength: Int

    /// A PDU length field holds 32 bits; it bounds PDV items when the peer sets no maximum.
    static let largestPDULength = 0xFFFF_FFFF
    /// The PDV item length field, the presentation context ID and the message control header.
    static let pdvOverhead = 6

    /// Fails for lengths that leave no room for a fragment or that no PDU length field can hold.
    public init(maximumPDULength: Int) throws(DIMSEError) {
        guard maximumPDULength == 0 || (Self.pdvOverhead + 1...Self.largestPDULength).contains(maximumPDULength)
        else { throw .invalidMaximumPDULength(maximumPDULength) }
        self.maximumPDULength = maximumPDULength
        let bound = maximumPDULength == 0 ? Self.largestPDULength : maximumPDULength
        self.maximumFragmentLength = bound - Self.pdvOverhead
    }

    /// The PDVs of one message: its command set, then the data set if it has one. The data
    /// set must be given exactly when the message announces one (an empty buffer is an empty
    /// data set, sent as one empty last fragment).
    public func fragments(
        for message: DIMSEMessage, dataSet: ByteBuffer? = nil, contextID: UInt8
    ) throws(DIMSEError) -> [PresentationDataValue] {
        guard message.hasDataSet == (dataSet != nil) else {
            throw .dataSetPresenceMismatch(command: message.commandField, announced: message.hasDataSet)
        }
        var pdvs = try commandFragments(for: message, contextID: contextID)
        if let dataSet {
            pdvs += dataFragments(dataSet, contextID: contextID)
        }
        return pdvs
    }

    /// The PDVs of the command set alone, for a caller that streams the data set after it
    /// with `dataFragments`.
    public func commandFragments(
        for message: DIMSEMessage, contextID: UInt8
    ) throws(DIMSEError) -> [PresentationDataValue] {
        split(try message.encoded(), contextID: contextID, isCommand: true, endsWithLast: true)
    }

    /// The PDVs of a data set, or of one chunk of it when it is sent as it is read (from a
    /// blob store, say): only the last fragment of the last chunk is marked last.
    public func dataFragments(
        _ bytes: ByteBuffer, contextID: UInt8, isLastChunk: Bool = true
    ) -> [PresentationDataValue] {
        split(bytes, contextID: contextID, isCommand: false, endsWithLast: isLastChunk)
    }

    private func split(
        _ bytes: ByteBuffer, contextID: UInt8, isCommand: Bool, endsWithLast: Bool
    ) -> [PresentationDataValue] {
        let total = bytes.readableBytes
        guard total > 0 else {
            guard endsWithLast else { return [] }
            return [PresentationDataValue(contextID: contextID, isCommand: isCommand, isLast: true, data: bytes)]
        }
        var pdvs: [PresentationDataValue] = []
        pdvs.reserveCapacity((total + maximumFragmentLength - 1) / maximumFragmentLength)
        var offset = 0
        while offset < total {
            let length = min(maximumFragmentLength, total - offset)
            let fragment = bytes.getSlice(at: bytes.readerIndex + offset, length: length) ?? ByteBuffer()
            offset += length
            pdvs.append(
                PresentationDataValue(
                    contextID: contextID, isCommand: isCommand, isLast: endsWithLast && offset == total,
                    data: fragment))
        }
        return pdvs
    }
}
