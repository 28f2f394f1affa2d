import Archive
import DICOM
import Logging
import NIOCore

/// Stores the instances of one STOW-RS request into the archive, one complete part at a
/// time, and records each outcome in the response module.
struct STOWPartStore: Sendable {
    let archive: Archive
    /// The study of `/studies/{study}`: instances of another study fail.
    let targetStudy: String?
    let logger: Logger

    /// What became of one part: a reference to the stored instance, or why it failed.
    enum Outcome: Sendable {
        case referenced(StoreInstancesResponse.Referenced)
        case failed(StoreInstancesResponse.Failed)
    }

    /// Stores one Part 10 file (a whole `application/dicom` part, or one built from metadata
    /// and bulk data). Storage errors become a failure of this instance: what was stored
    /// before stays stored, and the next parts are still tried.
    func store(part10 bytes: ByteBuffer, into response: inout StoreInstancesResponse) async {
        record(await outcome(storing: bytes), into: &response)
    }

    func outcome(storing bytes: ByteBuffer) async -> Outcome {
        if let targetStudy {
            let header = Self.header(of: bytes)
            if let study = header?.string(.studyInstanceUID), study != targetStudy {
                return failure(
                    bytes, header: header, reason: .studyInstanceUIDMismatch,
                    detail: "instance of study \(study), sent to study \(targetStudy)")
            }
        }
        let result: StoreResult
        do {
            result = try await archive.store(part10: bytes)
        } catch {
            logger.error("STOW-RS: storing failed", metadata: ["error": "\(error)"])
            return failure(bytes, header: nil, reason: .outOfResources, detail: "storage failed: \(error)")
        }
        switch result {
        case .stored(let instance), .overwritten(let instance):
            return .referenced(Self.reference(instance, warning: nil))
        case .duplicateKept(let instance):
            return .referenced(Self.reference(instance, warning: .coercionOfDataElements))
        case .refused(let refusal):
            return failure(bytes, header: nil, reason: StoreFailureReason(refusal), detail: refusal.description)
        }
    }

    func record(_ outcome: Outcome, into response: inout StoreInstancesResponse) {
        switch outcome {
        case .referenced(let reference): response.referenced.append(reference)
        case .failed(let failure): response.failed.append(failure)
        }
    }

    /// Records a failure, with the SOP class and instance UIDs when the bytes give them.
    func fail(
        _ bytes: ByteBuffer?, header: DataSet?, reason: StoreFailureReason, detail: String,
        into response: inout StoreInstancesResponse
    ) {
        record(failure(bytes, header: header, reason: reason, detail: detail), into: &response)
    }

    /// A failure, logged, with the SOP class and instance UIDs when the bytes give them.
    func failure(_ bytes: ByteBuffer?, header: DataSet?, reason: StoreFailureReason, detail: String) -> Outcome {
        let dataSet = header ?? bytes.flatMap(Self.header(of:))
        let failure = StoreInstancesResponse.Failed(
            sopClassUID: dataSet?.string(.sopClassUID), sopInstanceUID: dataSet?.string(.sopInstanceUID),
            reason: reason, detail: detail)
        logger.notice(
            "STOW-RS: instance not stored",
            metadata: [
                "sop": "\(failure.sopInstanceUID ?? "-")", "reason": "\(String(reason.code, radix: 16))",
                "detail": "\(detail)",
            ])
        return .failed(failure)
    }

    /// The data set up to the pixel data, nil when the bytes are not a Part 10 file.
    static func header(of bytes: ByteBuffer) -> DataSet? {
        try? DICOMFile(reading: bytes, options: ReadOptions(stopBeforePixelData: true)).dataSet
    }

    static func reference(_ instance: StoredInstance, warning: StoreWarningReason?) -> StoreInstancesResponse.Referenced
    {
        StoreInstancesResponse.Referenced(
            sopClassUID: instance.sopClassUID, sopInstanceUID: instance.sopInstanceUID,
            studyInstanceUID: instance.studyInstanceUID, seriesInstanceUID: instance.seriesInstanceUID,
            warning: warning)
    }
}
