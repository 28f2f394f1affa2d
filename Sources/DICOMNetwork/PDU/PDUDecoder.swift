public import NIOCore

/// Frames the inbound byte stream into PDUs (PS3.8 §9.3) for a SwiftNIO pipeline:
/// `ByteToMessageHandler(PDUDecoder())`.
public struct PDUDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = PDU

    /// The default cap on a PDU-length field: 4 MiB, far above the 16 KiB–128 KiB that peers
    /// usually negotiate and the size of an A-ASSOCIATE-RQ proposing every SOP class.
    public static let defaultMaximumPDULength: UInt32 = 4 * 1024 * 1024

    /// The largest PDU-length accepted (bytes after the 6-byte header). A larger PDU is rejected
    /// with `PDUError.pduTooLarge` as soon as its header arrives.
    public var maximumPDULength: UInt32

    public init(maximumPDULength: UInt32 = PDUDecoder.defaultMaximumPDULength) {
        self.maximumPDULength = maximumPDULength
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> PDU? {
        try PDU.decode(from: &buffer, maximumLength: maximumPDULength)
    }

    /// At end of stream a partial PDU is an error, not something to wait for.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> PDU? {
        if let pdu = try decode(buffer: &buffer) { return pdu }
        if seenEOF, buffer.readableBytes > 0 {
            throw PDUError.truncated(
                field: "PDU at end of stream", needed: expectedLength(buffer), available: buffer.readableBytes)
        }
        return nil
    }

    /// The size of the PDU the buffer starts with, header included (6 while the header is incomplete).
    private func expectedLength(_ buffer: ByteBuffer) -> Int {
        guard let length = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt32.self) else { return 6 }
        return 6 + Int(length)
    }
}
