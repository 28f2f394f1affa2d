import DICOM
import NIOCore

/// The tally of a C-GET's or C-MOVE's C-STORE sub-operations (PS3.4 C.4.2.1.5, C.4.3.1.5),
/// and the final status it leads to.
struct SubOperationProgress: Sendable {
    var remaining: Int
    var completed = 0
    var failed = 0
    var warning = 0
    /// For the final response's identifier: Failed SOP Instance UID List (0008,0058).
    var failedSOPInstanceUIDs: [String] = []
    var cancelled = false

    init(total: Int) {
        remaining = total
    }

    mutating func record(_ status: DIMSEStatus, sopInstanceUID: UID) {
        remaining -= 1
        if status.isSuccess {
            completed += 1
        } else if status.isWarning {
            warning += 1
        } else {
            failed += 1
            failedSOPInstanceUIDs.append(sopInstanceUID.rawValue)
        }
    }

    /// The counts of a pending response: all four.
    var pendingCounts: SubOperationCounts {
        SubOperationCounts(
            remaining: Self.clamped(remaining), completed: Self.clamped(completed), failed: Self.clamped(failed),
            warning: Self.clamped(warning))
    }

    /// The counts of the final response: remaining only after a cancel (PS3.4 Table C.4-3).
    var finalCounts: SubOperationCounts {
        var counts = pendingCounts
        if !cancelled { counts.remaining = nil }
        return counts
    }

    /// Cancel (0xFE00); success when every sub-operation succeeded (or there were none);
    /// 0xA702 when all failed; otherwise 0xB000, some failed or had warnings.
    var finalStatus: DIMSEStatus {
        if cancelled { return .cancel }
        if failed == 0 && warning == 0 { return .success }
        if completed == 0 && warning == 0 { return .outOfResourcesUnableToPerformSubOperations }
        return .subOperationsCompleteWithFailures
    }

    /// The final response's identifier when some sub-operations failed.
    func failureIdentifier(in syntax: TransferSyntax) throws -> ByteBuffer? {
        guard !failedSOPInstanceUIDs.isEmpty else { return nil }
        var identifier = DataSet()
        identifier.set(.failedSOPInstanceUIDList, vr: .UI, strings: failedSOPInstanceUIDs)
        return try identifier.encoded(in: syntax)
    }

    private static func clamped(_ count: Int) -> UInt16 {
        UInt16(clamping: max(count, 0))
    }
}
