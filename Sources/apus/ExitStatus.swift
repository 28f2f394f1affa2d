import ArgumentParser
import DICOM
import DICOMNetwork

/// The exit codes of the network commands, which scripts can rely on (README, "Command line").
enum ExitStatus: Int32, Sendable {
    /// Every operation succeeded (warning statuses included).
    case success = 0
    /// Some operation failed: a failure status, a file that could not be read, or no accepted
    /// presentation context for it.
    case operationFailed = 1
    /// A wrong option or argument, a missing file, nothing to do.
    case usage = 2
    /// The peer rejected the association (A-ASSOCIATE-RJ), or did not confirm the user identity
    /// that --identity-response asked it to.
    case rejected = 3
    /// No connection, a network or protocol error, or no answer in time.
    case network = 4
    /// The peer aborted the association (A-ABORT).
    case aborted = 5
    /// Interrupted (SIGINT) and cancelled: the peer acknowledged the C-CANCEL of a C-GET or C-MOVE.
    case cancelled = 6
    /// Interrupted twice: the association was aborted without waiting for the peer.
    case interrupted = 130

    /// For `--help`.
    static let summary = """
        Exit codes: 0 all operations succeeded (warnings included); 1 some operation failed \
        (failure status, unreadable file, no accepted presentation context); 2 usage or \
        configuration error (an unusable TLS file included); 3 association rejected; 4 could not \
        connect, network or protocol error, TLS handshake failure, timeout; 5 association aborted by the peer; \
        6 cancelled by Ctrl-C, the peer acknowledged (get, move); 130 interrupted twice, association aborted.
        """

    var exitCode: ExitCode { ExitCode(rawValue) }

    /// What ended a command or an operation. Anything that is not Apus's own (NIO's connection
    /// and I/O errors above all) is the network's.
    init(for error: any Error) {
        switch error {
        case let error as DICOMClientError:
            switch error {
            case .rejected: self = .rejected
            case .ended(.aborted): self = .aborted
            case .ended, .timedOut, .unexpectedMessage, .tlsHandshakeFailed: self = .network
            case .noPresentationContext, .missingUID, .failed: self = .operationFailed
            case .invalidProposal: self = .usage
            }
        case is DICOMReadError, is DICOMWriteError: self = .operationFailed
        case is ValidationError, is TLSFileError: self = .usage
        case is IdentityNotConfirmed: self = .rejected
        default: self = .network
        }
    }
}
