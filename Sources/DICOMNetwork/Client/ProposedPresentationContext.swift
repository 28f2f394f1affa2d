public import DICOM

/// A presentation context a requestor proposes (PS3.8 §9.3.2.2): an abstract syntax and the
/// transfer syntaxes it can send it in, in its order of preference. IDs are given when the
/// A-ASSOCIATE-RQ is built.
public struct ProposedPresentationContext: Sendable, Hashable {
    public var abstractSyntax: UID
    public var transferSyntaxes: [UID]

    public init(abstractSyntax: UID, transferSyntaxes: [UID] = [.explicitVRLittleEndian, .implicitVRLittleEndian]) {
        self.abstractSyntax = abstractSyntax
        self.transferSyntaxes = transferSyntaxes
    }

    /// Verification, in the one transfer syntax every peer takes.
    public static let verification = ProposedPresentationContext(
        abstractSyntax: .verification, transferSyntaxes: [.implicitVRLittleEndian])

    /// The proposals with IDs 1, 3, 5, … (PS3.8 §9.3.2.2: odd, at most 128 of them).
    static func numbered(_ contexts: [ProposedPresentationContext]) throws(DICOMClientError)
        -> [PresentationContextProposal]
    {
        guard (1...128).contains(contexts.count) else {
            throw .invalidProposal("\(contexts.count) presentation contexts; 1 to 128 may be proposed")
        }
        return contexts.enumerated().map { index, context in
            PresentationContextProposal(
                id: UInt8(truncatingIfNeeded: 2 * index + 1), abstractSyntax: context.abstractSyntax,
                transferSyntaxes: context.transferSyntaxes)
        }
    }
}
