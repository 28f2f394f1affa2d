public import DICOM

/// The Query/Retrieve service class's C-FIND, SCP side (PS3.4 C.4.1): the identifier in,
/// the matches out as a stream.
///
/// Each match is sent as a pending response as soon as it is produced; the final response
/// follows the end of the stream (success), its error (failure 0xA700 with the error as
/// comment, or the status of a thrown `ServiceResult`-carrying `QueryFailure`), or a
/// C-CANCEL from the peer (cancel 0xFE00), which also terminates the stream so the service
/// can stop work (`AsyncThrowingStream.Continuation.onTermination`).
public protocol QueryService: Sendable {
    /// The information models accepted in negotiation; by default Patient Root, Study Root and
    /// Patient/Study Only.
    var informationModels: Set<UID> { get }

    func find(_ request: CFindRequest, identifier: DataSet, context: AssociationContext)
        -> AsyncThrowingStream<DataSet, any Error>
}

extension QueryService {
    public var informationModels: Set<UID> { StandardSOPClasses.queryRetrieveFind }
}

/// A query that ends with a particular status, such as 0xA900 (identifier does not match
/// SOP class) or 0xC000 (unable to process).
public struct QueryFailure: Error, Sendable, Equatable {
    public var result: ServiceResult

    public init(_ result: ServiceResult) {
        self.result = result
    }
}
