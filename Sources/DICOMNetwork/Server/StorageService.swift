public import DICOM

/// The Storage service class, SCP side (PS3.4 Annex B): what the archive implements to take
/// in C-STOREs.
///
/// The data set arrives as a stream of fragments while the peer sends it, with backpressure
/// (a slow store slows the peer; an instance is never held whole in memory by the network
/// layer). The service reads it to the end or stops early (then the rest is discarded and the
/// peer gets the service's status). If the peer aborts, or the association fails, mid-stream
/// the sequence throws `AssociationInterrupted` and no response is sent. A thrown error is
/// answered with status 0xA700 (out of resources) and the error as comment.
public protocol StorageService: Sendable {
    /// The SOP classes accepted in negotiation; by default every storage SOP class of the standard.
    var sopClasses: Set<UID> { get }

    func store(_ request: CStoreRequest, dataSet: DataSetStream, context: AssociationContext) async throws
        -> ServiceResult
}

extension StorageService {
    public var sopClasses: Set<UID> { StandardSOPClasses.storage }
}

/// The data set of a message stopped arriving: the peer aborted, broke the protocol or went
/// away, or the server is shutting down.
public struct AssociationInterrupted: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "association interrupted: \(reason)" }
}
