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
                tally.progress.show(
                    "received \(tally.written) instances, \(StoreReport.megabytes(tally.bytes)) (last \(uid))")
            }
            return .success
        } catch {
            record(failure: "\(path): \(error.localizedDescription)")
            return .outOfResources
        }
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
