import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Synchronization

/// Writes each instance a C-GET brings back as a Part 10 file named by its SOP Instance UID
/// (the data set's bytes as received, behind fresh file meta information), and keeps the
/// count, the bytes and the failures for the progress line and the summary.
final class GetReceiver: Sendable {
    struct Tally: Sendable {
        var written = 0
        var bytes = 0
        /// The instances the peer's last pending response announced in all.
        var expected: Int?
        var failures: [String] = []
        var progress = ProgressLine()
    }

    let directory: String
    let sourceAETitle: String
    let tally = Mutex(Tally())

    init(directory: String, sourceAETitle: String) {
        self.directory = directory
        self.sourceAETitle = sourceAETitle
    }

    /// The status that answers the peer's C-STORE-RQ: A700 (out of resources) when the file
    /// can't be written, C000-class 0x0117 (invalid object instance) when the UID can't name one.
    func receive(_ instance: RetrievedInstance) -> DIMSEStatus {
        let uid = instance.request.affectedSOPInstanceUID.rawValue
        guard Self.isFileName(uid) else {
            record(failure: "an instance whose SOP Instance UID \"\(uid)\" can't name a file")
            return .invalidObjectInstance
        }
        let path = directory + "/" + uid
        do {
            var file = try DICOMFile.part10Header(
                sopClassUID: instance.request.affectedSOPClassUID.rawValue, sopInstanceUID: uid,
                transferSyntax: TransferSyntax(uid: instance.transferSyntax), sourceAETitle: sourceAETitle)
            file.writeImmutableBuffer(instance.dataSet)
            try Data(file.readableBytesView).write(to: URL(fileURLWithPath: path), options: .atomic)
            tally.withLock { tally in
                tally.written += 1
                tally.bytes += file.readableBytes
                let of = tally.expected.map { " of \($0)" } ?? ""
                tally.progress.show(
                    "received \(tally.written)\(of) instances, \(StoreReport.megabytes(tally.bytes)) (last \(uid))")
            }
            return .success
        } catch {
            record(failure: "\(path): \(error.localizedDescription)")
            return .outOfResources
        }
    }

    /// The counts of a pending C-GET-RSP: the total they add up to, for the progress line.
    func expect(_ counts: SubOperationCounts) {
        let parts = [counts.remaining, counts.completed, counts.failed, counts.warning]
        guard parts.allSatisfy({ $0 != nil }) else { return }
        tally.withLock { $0.expected = parts.reduce(0) { $0 + Int($1 ?? 0) } }
    }

    private func record(failure: String) {
        tally.withLock { tally in
            tally.progress.clear()
            tally.failures.append(failure)
        }
    }

    /// A UID (PS3.5 §9.1): digits and dots, 64 characters at most; nothing else goes into a path.
    static func isFileName(_ uid: String) -> Bool {
        !uid.isEmpty && uid.utf8.count <= 64 && uid.utf8.allSatisfy { $0 == 0x2E || (0x30...0x39).contains($0) }
            && uid.first != "."
    }
}
