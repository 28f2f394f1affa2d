public import NIOCore

/// Splits a command set or data set into P-DATA-TF PDUs no longer than the peer accepts
/// (PS3.8 §9.3.5, Annex E; PS3.7 D.3.3.1).
///
/// The peer's maximum length (its Maximum Length Sub-Item) bounds the PDU-length field, which
/// counts each PDV item's 4-byte Item-length, 1-byte context ID and 1-byte message control header
/// as well as the fragment: a fragment holds at most `maximum - 6` bytes. A maximum of 0 means
/// no limit. Each PDU carries one PDV; the last one has the last-fragment bit set.
public struct PDataFragmenter: Sendable, Equatable {
    /// Bytes a one-PDV P-DATA-TF PDU-length counts besides the fragment.
    public static let pdvOverhead = 6

    /// The peer's maximum PDU length; 0 for unlimited.
    public var maximumPDULength: UInt32

    public init(maximumPDULength: UInt32) {
        self.maximumPDULength = maximumPDULength
    }

    /// The most payload bytes one PDU carries. A maximum below 7 leaves no room for payload:
    /// one byte per PDU is sent regardless, the only way to make progress.
    public var maximumFragmentLength: Int {
        let limit = maximumPDULength == 0 ? UInt32.max : maximumPDULength
        return max(1, Int(limit) - Self.pdvOverhead)
    }

    /// The PDUs for `payload`, whose PDVs are slices of it (nothing is copied).
    /// An empty payload gives one PDU with an empty last fragment.
    public func pdus(for payload: ByteBuffer, contextID: UInt8, isCommand: Bool) -> [PDU] {
        var pdus: [PDU] = []
        forEachFragment(of: payload) { fragment, isLast in
            let value = PresentationDataValue(
                contextID: contextID, isCommand: isCommand, isLast: isLast, data: fragment)
            pdus.append(.data([value]))
        }
        return pdus
    }

    /// Writes the encoded PDUs for `payload` to `buffer`: the payload is copied once, into `buffer`.
    public func write(_ payload: ByteBuffer, contextID: UInt8, isCommand: Bool, into buffer: inout ByteBuffer) {
        let fragmentCount = max(1, (payload.readableBytes + maximumFragmentLength - 1) / maximumFragmentLength)
        buffer.reserveCapacity(minimumWritableBytes: payload.readableBytes + fragmentCount * (6 + Self.pdvOverhead))
        forEachFragment(of: payload) { fragment, isLast in
            let value = PresentationDataValue(
                contextID: contextID, isCommand: isCommand, isLast: isLast, data: fragment)
            let itemLength = UInt32(truncatingIfNeeded: fragment.readableBytes + 2)
            // 1 PDU-type, 2 Reserved, 3-6 PDU-length; then the PDV item: 1-4 Item-length,
            // 5 Presentation-context-ID, 6 message control header, the fragment.
            buffer.writeInteger(PDUType.data)
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(itemLength + 4)
            buffer.writeInteger(itemLength)
            buffer.writeInteger(value.contextID)
            buffer.writeInteger(value.messageControlHeader)
            buffer.writeImmutableBuffer(fragment)
        }
    }

    private func forEachFragment(of payload: ByteBuffer, _ body: (ByteBuffer, Bool) -> Void) {
        var remaining = payload
        repeat {
            let length = min(remaining.readableBytes, maximumFragmentLength)
            let fragment = remaining.readSlice(length: length) ?? ByteBuffer()
            body(fragment, remaining.readableBytes == 0)
        } while remaining.readableBytes > 0
    }
}
