import NIOCore

/// The PDU length a channel's decoder accepts, which changes once the association is set up.
/// Shared by the decoder and the `UpperLayerHandler` of one channel, both on its event loop.
final class PDULengthLimit {
    /// Until an association exists only A-ASSOCIATE PDUs may come, and the largest of them (a
    /// request proposing a context for every SOP class) stays far below this. A stranger cannot
    /// make us buffer more than this before we know who it is.
    static let establishment: UInt32 = 65_536

    var value: UInt32

    init(_ value: UInt32 = PDULengthLimit.establishment) {
        self.value = value
    }
}

/// `PDUDecoder` with the limit of its channel's `PDULengthLimit`, read before every PDU.
struct AssociationPDUDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = PDU

    private var decoder = PDUDecoder()
    private let limit: PDULengthLimit

    init(limit: PDULengthLimit) {
        self.limit = limit
    }

    mutating func decode(buffer: inout ByteBuffer) throws -> PDU? {
        decoder.maximumPDULength = limit.value
        return try decoder.decode(buffer: &buffer)
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> PDU? {
        decoder.maximumPDULength = limit.value
        return try decoder.decodeLast(buffer: &buffer, seenEOF: seenEOF)
    }
}
