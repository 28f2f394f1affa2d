public import Archive
public import DICOM

/// A configured DICOM peer (a modality, a PACS), named as `/modalities/{name}` names it.
public struct DICOMPeer: Sendable, Hashable {
    public var name: String
    public var aeTitle: String
    public var host: String
    public var port: Int

    public init(name: String, aeTitle: String, host: String, port: Int) {
        self.name = name
        self.aeTitle = aeTitle
        self.host = host
        self.port = port
    }
}

/// What `/modalities` asks of DICOM networking, which the HTTP side does not speak itself:
/// `ApusServer` answers with its DICOM client. Each call opens an association of its own.
public protocol DICOMPeerService: Sendable {
    /// Our AE title, the calling one.
    var localAETitle: String { get }
    var peers: [DICOMPeer] { get }
    /// C-ECHO: the peer's status.
    func echo(_ peer: DICOMPeer) async throws(DICOMPeerError) -> UInt16
    /// C-STORE of the instances, one association, each streamed from the blob store.
    func store(_ instances: [StoredInstance], to peer: DICOMPeer) async throws(DICOMPeerError) -> PeerStoreResult
    /// C-FIND: at most `limit` matches (the query is cancelled after them).
    func find(_ identifier: DataSet, patientRoot: Bool, at peer: DICOMPeer, limit: Int)
        async throws(DICOMPeerError) -> [DataSet]
    /// C-MOVE: the peer sends what matches to `destination` (an AE title it knows).
    func move(_ identifier: DataSet, patientRoot: Bool, destination: String, at peer: DICOMPeer)
        async throws(DICOMPeerError) -> PeerMoveResult
}

/// Why an operation with a peer did not happen or failed as a whole.
public enum DICOMPeerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not reachable, the association rejected or aborted, a protocol error.
    case unreachable(String)
    /// No answer in time.
    case timedOut(String)
    /// The peer answered the operation with a failure status.
    case failed(status: UInt16, comment: String?)

    public var description: String {
        switch self {
        case .unreachable(let reason): reason
        case .timedOut(let reason): reason
        case .failed(let status, let comment):
            "the peer answered with status " + String(status, radix: 16, uppercase: true)
                + (comment.map { ": \($0)" } ?? "")
        }
    }
}

public struct PeerStoreResult: Sendable, Hashable {
    public struct Failure: Sendable, Hashable {
        public var sopInstanceUID: String
        public var reason: String

        public init(sopInstanceUID: String, reason: String) {
            self.sopInstanceUID = sopInstanceUID
            self.reason = reason
        }
    }

    public var completed: Int
    public var warnings: Int
    public var failures: [Failure]

    public init(completed: Int, warnings: Int, failures: [Failure]) {
        self.completed = completed
        self.warnings = warnings
        self.failures = failures
    }
}

public struct PeerMoveResult: Sendable, Hashable {
    public var status: UInt16
    public var completed: Int
    public var failed: Int
    public var warnings: Int
    public var failedSOPInstanceUIDs: [String]
    public var errorComment: String?

    public init(
        status: UInt16, completed: Int, failed: Int, warnings: Int, failedSOPInstanceUIDs: [String],
        errorComment: String?
    ) {
        self.status = status
        self.completed = completed
        self.failed = failed
        self.warnings = warnings
        self.failedSOPInstanceUIDs = failedSOPInstanceUIDs
        self.errorComment = errorComment
    }
}
