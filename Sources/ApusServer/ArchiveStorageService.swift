import Archive
import DICOM
import DICOMNetwork
import Logging
import NIOCore

/// C-STORE into the archive: the statuses a modality expects for what the archive did
/// (PS3.4 B.2.3), and a log line for every refusal.
struct ArchiveStorageService: StorageService {
    let archive: Archive
    let maximumInstanceSize: Int
    let logger: Logger

    func store(_ request: CStoreRequest, dataSet: DataSetStream, context: AssociationContext) async throws
        -> ServiceResult
    {
        let bytes: ByteBuffer
        do {
            bytes = try await dataSet.collect(upTo: maximumInstanceSize)
        } catch is DataSetTooLarge {
            logger.warning(
                "C-STORE refused: instance larger than the limit",
                metadata: ["calling": "\(context.callingAETitle)", "limit": "\(maximumInstanceSize)"])
            return ServiceResult(
                status: .outOfResources, errorComment: "instance larger than \(maximumInstanceSize) bytes")
        }
        // Graceful shutdown cancels the association, which still owes this answer: once the data
        // set is here the store runs to its end outside that cancellation, else the index (its
        // database client honours cancellation) refuses the row after the blob is written and
        // the peer gets A700 for an instance it sent in time. Awaited, so nothing outlives it.
        let transferSyntax = TransferSyntax(uid: dataSet.transferSyntax)
        let result = try await Task { [archive] in
            try await archive.store(
                dataSet: bytes, transferSyntax: transferSyntax, sourceAETitle: context.callingAETitle)
        }.value
        switch result {
        case .stored, .overwritten:
            return ServiceResult(status: .success)
        case .duplicateKept:
            // Success, as Orthanc and most archives answer: a modality that re-sends after a
            // lost response must not be told it failed; the log keeps the fact.
            logger.notice(
                "C-STORE of an instance already stored: kept the stored copy",
                metadata: ["sopInstanceUID": "\(request.affectedSOPInstanceUID)"])
            return ServiceResult(status: .success)
        case .refused(let refusal):
            logger.warning(
                "C-STORE refused",
                metadata: [
                    "calling": "\(context.callingAETitle)", "sopInstanceUID": "\(request.affectedSOPInstanceUID)",
                    "reason": "\(refusal)",
                ])
            return ServiceResult(status: Self.status(for: refusal), errorComment: Self.comment(refusal))
        }
    }

    /// A9xx when the data set lacks what its SOP class requires; Cxxx when it can't be read or
    /// contradicts what is stored (PS3.4 Table B.2-1).
    static func status(for refusal: StoreRefusal) -> DIMSEStatus {
        switch refusal {
        case .missingAttribute, .invalidUID: .dataSetDoesNotMatchSOPClass
        default: .cannotUnderstand
        }
    }

    /// Error Comment (0000,0902) is at most 64 characters (VR LO).
    static func comment(_ refusal: StoreRefusal) -> String {
        String(refusal.description.prefix(64))
    }
}
