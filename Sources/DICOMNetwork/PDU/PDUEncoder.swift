public import NIOCore

/// Writes outbound PDUs (PS3.8 §9.3) in a SwiftNIO pipeline: `MessageToByteHandler(PDUEncoder())`.
public struct PDUEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = PDU

    public init() {}

    public func encode(data: PDU, out: inout ByteBuffer) throws {
        try data.encode(into: &out)
    }
}
