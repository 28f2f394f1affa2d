public import DICOM

/// A Presentation Context Item of an A-ASSOCIATE-AC (item type 21H, PS3.8 §9.3.3.2):
/// the acceptor's answer to one proposed presentation context.
public struct PresentationContextResult: Sendable, Equatable {
    /// 5 Presentation-context-ID of the proposal answered.
    public var id: UInt8
    /// 7 Result/Reason.
    public var result: Result
    /// Transfer Syntax Sub-Item (40H): the one chosen. Not significant unless accepted; `nil`
    /// when the peer sent an empty sub-item or none (an empty sub-item is written for `nil`).
    public var transferSyntax: UID?

    public init(id: UInt8, result: Result, transferSyntax: UID?) {
        self.id = id
        self.result = result
        self.transferSyntax = transferSyntax
    }

    /// 7 Result/Reason (PS3.8 Table 9-18).
    public enum Result: UInt8, Sendable, Equatable {
        case acceptance = 0
        case userRejection = 1
        /// No reason (provider rejection).
        case noReason = 2
        case abstractSyntaxNotSupported = 3
        case transferSyntaxesNotSupported = 4
    }
}
