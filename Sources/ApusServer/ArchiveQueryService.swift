import Archive
import DICOM
import DICOMNetwork
import Dispatch
import Metrics

/// C-FIND over the archive's index: Patient Root and Study Root, answered from the index
/// without opening a file.
struct ArchiveQueryService: QueryService {
    let archive: Archive

    var informationModels: Set<UID> {
        [.patientRootQueryRetrieveInformationModelFind, .studyRootQueryRetrieveInformationModelFind]
    }

    func find(_ request: CFindRequest, identifier: DataSet, context: AssociationContext)
        -> AsyncThrowingStream<DataSet, any Error>
    {
        let model: InformationModel =
            request.affectedSOPClassUID == .patientRootQueryRetrieveInformationModelFind ? .patientRoot : .studyRoot
        let query: ArchiveQuery
        do {
            query = try archive.query(identifier: identifier, model: model)
        } catch {
            // PS3.4 C.4.1.1.4: A900, the identifier does not match the SOP class.
            let failure = QueryFailure(
                ServiceResult(status: .dataSetDoesNotMatchSOPClass, errorComment: String("\(error)".prefix(64))))
            return AsyncThrowingStream { $0.finish(throwing: failure) }
        }
        let cursor = ResponseCursor(archive.find(query).makeAsyncIterator())
        return AsyncThrowingStream(unfolding: { try await cursor.next() })
    }
}

/// Pulls one response at a time from the archive's result stream. When the peer cancels, the
/// stream stops asking, and the index's cursor stops with it.
private actor ResponseCursor {
    private var iterator: AsyncThrowingStream<DataSet, any Error>.AsyncIterator
    private let started = DispatchTime.now().uptimeNanoseconds

    init(_ iterator: AsyncThrowingStream<DataSet, any Error>.AsyncIterator) {
        self.iterator = iterator
    }

    func next() async throws -> DataSet? {
        // The stream asks for one element at a time, so nothing else uses the iterator while
        // this one is out of the actor's storage.
        var current = iterator
        let response: DataSet?
        do {
            response = try await current.next(isolation: self)
        } catch {
            Counter(label: "apus_errors_total", dimensions: [("source", "query")]).increment()
            throw error
        }
        iterator = current
        if response == nil {
            // The whole answer, as the peer waited for it: what the query latency dashboards show.
            Timer(label: "apus_query_duration_seconds", dimensions: [("protocol", "dimse")])
                .recordNanoseconds(Int64(clamping: DispatchTime.now().uptimeNanoseconds &- started))
        }
        return response
    }
}
