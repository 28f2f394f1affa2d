public import DICOM

/// Why a client operation failed.
public enum DICOMClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer rejected the association (PS3.8 Table 9-21).
    case rejected(AssociateReject)
    /// The association ended: the peer aborted, broke the protocol (we aborted), the connection
    /// dropped, or it was released or aborted here before.
    case ended(AssociationEnd)
    /// No answer in time; the association was aborted.
    case timedOut(Phase)
    /// No accepted presentation context can carry this.
    case noPresentationContext(abstractSyntax: UID, transferSyntax: UID?)
    /// The proposal cannot be sent (no context, too many, an AE title too long).
    case invalidProposal(String)
    /// A data set without the SOP class or instance UID it needs to be stored.
    case missingUID(Tag)
    /// The peer answered with something else than the response awaited.
    case unexpectedMessage(String)
    /// The operation ended with a failure status.
    case failed(DIMSEStatus, errorComment: String?)
    /// The TLS handshake failed: the peer's certificate was not trusted, or the peer refused ours.
    case tlsHandshakeFailed(String)

    public enum Phase: Sendable, Equatable {
        /// Opening the TCP connection.
        case connect
        /// Waiting for the A-ASSOCIATE-AC or -RJ.
        case association
        /// Waiting for a DIMSE response.
        case response
        /// Waiting for the A-RELEASE-RP.
        case release
    }

    public var description: String {
        switch self {
        case .rejected(let reject):
            "association rejected: result \(reject.result.rawValue), source \(reject.source.sourceByte), "
                + "reason \(reject.source.reasonByte)"
        case .ended(let end): "association ended: \(end)"
        case .timedOut(let phase): "timed out (\(phase))"
        case .noPresentationContext(let abstractSyntax, let transferSyntax):
            "no accepted presentation context for \(abstractSyntax)"
                + (transferSyntax.map { " in \($0)" } ?? "")
        case .invalidProposal(let why): "invalid proposal: \(why)"
        case .missingUID(let tag): "data set without \(tag)"
        case .unexpectedMessage(let what): "unexpected message: \(what)"
        case .failed(let status, let comment): "failed: \(status)" + (comment.map { " (\($0))" } ?? "")
        case .tlsHandshakeFailed(let why): "TLS handshake failed: \(why)"
        }
    }
}
