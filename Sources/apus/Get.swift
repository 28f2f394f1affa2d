import ArgumentParser
import DICOM
import DICOMNetwork
import Foundation
import Synchronization

/// `apus get HOST PORT -k Key=Value …`: C-GET, like getscu: the instances come back on the
/// same association and are written as Part 10 files.
struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Retrieve instances from a peer: C-GET, files written under --output.",
        discussion: """
            Keys as apus find takes them; the level is -L, else a QueryRetrieveLevel key, else \
            STUDY. The peer sends the instances on the same association (storage contexts \
            proposed with the SCP role); each is written as a Part 10 file named by its SOP \
            Instance UID, its data set as received. A progress line shows on a terminal; the \
            summary gives the peer's sub-operation counts. Ctrl-C cancels the retrieval (C-CANCEL) \
            and exits with 6 once the peer has answered; a second Ctrl-C aborts the association.

            \(ExitStatus.summary)
            """)

    @OptionGroup var peer: PeerOptions
    @OptionGroup var retrieve: RetrieveOptions

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: ArgumentHelp("Where the files go (created if missing).", valueName: "dir"))
    var output = "."

    func run() async throws {
        let identifier = try retrieve.identifier()
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            printError("apus get: cannot create \(output): \(error.localizedDescription)")
            throw ExitStatus.usage.exitCode
        }
        if peer.verbose { printError("C-GET identifier:\n" + DumpFormatter().format(identifier)) }
        let receiver = GetReceiver(directory: output, sourceAETitle: peer.calledAETitle)
        let model = retrieve.getModel
        let interruption = Interruption()
        let clock = ContinuousClock()
        let start = clock.now
        let result: RetrieveResult
        do {
            let association = try await peer.connect(
                [ProposedPresentationContext(abstractSyntax: model)] + RetrieveContexts.storage,
                roleSelections: RetrieveContexts.roleSelections)
            result = try await interruption.run {
                try await association.get(
                    identifier, informationModel: model, progress: { receiver.expect($0) },
                    receive: { receiver.receive($0) }
                )
            } abort: {
                await association.abort()
            }
            try await association.release()
        } catch {
            let written = receiver.tally.withLock { tally in
                tally.progress.clear()
                return tally.written
            }
            if interruption.count > 1 {
                printError("apus get: interrupted again: association aborted without waiting for the peer")
            } else {
                printError("apus get: \(ClientErrorText.describe(error, peer: peer))")
            }
            if written > 0 { printError("apus get: \(written) files written to \(output) before that") }
            throw (interruption.count > 1 ? ExitStatus.interrupted : ExitStatus(for: error)).exitCode
        }
        let elapsed = (clock.now - start).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let tally = receiver.tally.withLock { tally in
            tally.progress.clear()
            return tally
        }
        print(
            "Received \(tally.written) instances from \(peer.name) into \(output): \(StoreReport.megabytes(tally.bytes)) in "
                + String(format: "%.2f s", seconds))
        print("C-GET \(DisplayName.status(result.status)): sub-operations \(RetrieveOptions.counts(result))")
        for failure in tally.failures { printError("apus get: not written: \(failure)") }
        for uid in result.failedSOPInstanceUIDs { printError("apus get: failed at the peer: \(uid)") }
        if let comment = result.errorComment { printError("apus get: the peer says: \(comment)") }
        if !tally.failures.isEmpty || result.status.isFailure || (result.subOperations.failed ?? 0) > 0 {
            throw ExitStatus.operationFailed.exitCode
        }
        if interruption.count > 0 {
            printError("apus get: interrupted: C-CANCEL sent, the peer answered \(DisplayName.status(result.status))")
            throw ExitStatus.cancelled.exitCode
        }
    }
}
