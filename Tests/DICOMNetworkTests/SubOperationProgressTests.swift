import DICOM
import Testing

@testable import DICOMNetwork

/// The final status and counts of C-GET and C-MOVE (PS3.4 Table C.4-2, C.4-3).
@Suite("Sub-operation progress")
struct SubOperationProgressTests {
    static let uids = (1...3).map { UID(unchecked: "2.25.\($0)") }

    static func progress(_ statuses: [DIMSEStatus], cancelledAfter: Int? = nil) -> SubOperationProgress {
        var progress = SubOperationProgress(total: statuses.count)
        for (index, status) in statuses.enumerated() {
            if index == cancelledAfter {
                progress.cancelled = true
                break
            }
            progress.record(status, sopInstanceUID: uids[index])
        }
        return progress
    }

    @Test func noSubOperationsIsSuccess() {
        let progress = SubOperationProgress(total: 0)
        #expect(progress.finalStatus == .success)
        #expect(progress.finalCounts == SubOperationCounts(completed: 0, failed: 0, warning: 0))
    }

    @Test func allSucceededIsSuccessWithoutRemaining() {
        let progress = Self.progress([.success, .success, .success])
        #expect(progress.finalStatus == .success)
        #expect(progress.finalCounts == SubOperationCounts(completed: 3, failed: 0, warning: 0))
    }

    @Test func someFailedIsB000WithTheFailedList() throws {
        let progress = Self.progress([.success, .outOfResources, .success])
        #expect(progress.finalStatus == .subOperationsCompleteWithFailures)
        let identifier = try #require(try progress.failureIdentifier(in: .implicitVRLittleEndian))
        let decoded = try DataSet(decoding: identifier, transferSyntax: .implicitVRLittleEndian)
        #expect(decoded.strings(.failedSOPInstanceUIDList) == ["2.25.2"])
    }

    @Test func warningsAloneAreB000() {
        #expect(Self.progress([.success, .coercionOfDataElements]).finalStatus == .subOperationsCompleteWithFailures)
    }

    @Test func allFailedIsA702() {
        let progress = Self.progress([.outOfResources, .sopClassNotSupported])
        #expect(progress.finalStatus == .outOfResourcesUnableToPerformSubOperations)
        #expect(progress.failedSOPInstanceUIDs == ["2.25.1", "2.25.2"])
    }

    @Test func cancelKeepsTheRemainingCount() {
        let progress = Self.progress([.success, .success, .success], cancelledAfter: 1)
        #expect(progress.finalStatus == .cancel)
        #expect(progress.finalCounts == SubOperationCounts(remaining: 2, completed: 1, failed: 0, warning: 0))
    }
}
