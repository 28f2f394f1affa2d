public import NIOCore

/// One presentation data value item of a P-DATA-TF PDU (PS3.8 §9.3.5.1, Annex E):
/// a fragment of a DIMSE command or data set, for one presentation context.
public struct PresentationDataValue: Sendable, Equatable {
    /// The presentation context the fragment belongs to (odd, 1–255).
    public var contextID: UInt8
    /// Message control header bit 0: a fragment of a command set (1) or of a data set (0).
    public var isCommand: Bool
    /// Message control header bit 1: the last fragment of its command or data set.
    public var isLast: Bool
    /// The fragment, a slice of the received PDU.
    public var data: ByteBuffer

    public init(contextID: UInt8, isCommand: Bool, isLast: Bool, data: ByteBuffer) {
        self.contextID = contextID
        self.isCommand = isCommand
        self.isLast = isLast
        self.data = data
    }

    /// The message control header byte (PS3.8 E.2).
    public var messageControlHeader: UInt8 {
        (isCommand ? 0x01 : 0x00) | (isLast ? 0x02 : 0x00)
    }
}
