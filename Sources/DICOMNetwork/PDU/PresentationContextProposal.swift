public import DICOM

/// A Presentation Context Item of an A-ASSOCIATE-RQ (item type 20H, PS3.8 §9.3.2.2):
/// one abstract syntax and the transfer syntaxes the requestor can use for it.
public struct PresentationContextProposal: Sendable, Equatable {
    /// 5 Presentation-context-ID: odd, 1–255.
    public var id: UInt8
    /// Abstract Syntax Sub-Item (30H): usually a SOP Class UID.
    public var abstractSyntax: UID
    /// Transfer Syntax Sub-Items (40H), in order of preference.
    public var transferSyntaxes: [UID]

    public init(id: UInt8, abstractSyntax: UID, transferSyntaxes: [UID]) {
        self.id = id
        self.abstractSyntax = abstractSyntax
        self.transferSyntaxes = transferSyntaxes
    }
}
