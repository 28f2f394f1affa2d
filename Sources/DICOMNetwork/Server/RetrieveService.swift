public import DICOM
public import NIOCore

/// The Query/Retrieve service class's C-GET and C-MOVE, SCP side (PS3.4 C.4.2, C.4.3): the
/// identifier in, the instances to send out. The network layer performs the C-STORE
/// sub-operations — on the same association for C-GET, on a new one to the move destination
/// for C-MOVE — and reports their counts to the peer.
public protocol RetrieveService: Sendable {
    /// The C-GET models accepted in negotiation; by default Patient Root and Study Root.
    var getInformationModels: Set<UID> { get }
    /// The C-MOVE models accepted in negotiation; by default Patient Root and Study Root.
    var moveInformationModels: Set<UID> { get }

    /// The instances the identifier selects, in the order to send them. Throw a `QueryFailure`
    /// to end the operation with its status (0xA900 identifier does not match the SOP class,
    /// 0xA701 unable to calculate the matches, 0xC000 unable to process); any other error is
    /// answered 0xA701. `informationModel` is the request's Affected SOP Class (a GET or MOVE
    /// model).
    func instances(matching identifier: DataSet, informationModel: UID, context: AssociationContext) async throws
        -> [RetrievableInstance]

    /// Where a C-MOVE destination listens; nil for an AE title we don't know (0xA801).
    func moveDestination(aeTitle: String) async -> MoveDestination?
}

extension RetrieveService {
    public var getInformationModels: Set<UID> {
        [.patientRootQueryRetrieveInformationModelGet, .studyRootQueryRetrieveInformationModelGet]
    }

    public var moveInformationModels: Set<UID> {
        [.patientRootQueryRetrieveInformationModelMove, .studyRootQueryRetrieveInformationModelMove]
    }
}

/// One instance a C-GET or C-MOVE sends: what it is, and how to load its data set.
public struct RetrievableInstance: Sendable {
    public var sopClassUID: UID
    public var sopInstanceUID: UID
    /// The transfer syntax the data set is encoded in.
    public var transferSyntax: UID
    /// Opens the data set (no preamble nor file meta information) when its sub-operation
    /// starts: its bytes in chunks, each sent before the next is read, so that an instance is
    /// never whole in memory (unless it must be re-encoded for the peer).
    public var openDataSet: @Sendable () async throws -> AsyncThrowingStream<ByteBuffer, any Error>

    public init(
        sopClassUID: UID, sopInstanceUID: UID, transferSyntax: UID,
        openDataSet: @escaping @Sendable () async throws -> AsyncThrowingStream<ByteBuffer, any Error>
    ) {
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
        self.transferSyntax = transferSyntax
        self.openDataSet = openDataSet
    }
}

/// A C-MOVE destination: the Storage SCP an AE title names, from configuration.
public struct MoveDestination: Sendable, Hashable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}
