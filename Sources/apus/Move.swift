import ArgumentParser
import DICOM
import DICOMNetwork

/// `apus move HOST PORT --dest AET -k Key=Value …`: C-MOVE, like movescu: the peer sends the
/// instances to another AE title on an association of its own.
struct Move: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Have a peer send instances to an AE title: C-MOVE.",
        discussion: """
            Keys as apus find takes them; the level is -L, else a QueryRetrieveLevel key, else \
            STUDY. The peer must know --dest (its host and port); the sub-operation counts of \
            its final response are printed, with the instances it says failed. A progress line \
            shows the counts of the pending responses on a terminal. Ctrl-C cancels the move \
            (C-CANCEL) and exits with 6 once the peer has answered.

            \(ExitStatus.summary)
            """)

    @OptionGroup var peer: PeerOptions
    @OptionGroup var retrieve: RetrieveOptions

    @Option(name: .customLong("dest"), help: ArgumentHelp("The Move Destination's AE title.", valueName: "title"))
    var destination: String

    func validate() throws {
        if let problem = PeerOptions.problem(withAETitle: destination) { throw ValidationError("--dest \(problem)") }
    }

    func run() async throws {
        let identifier = try retrieve.identifier()
        if peer.verbose { printError("C-MOVE identifier:\n" + DumpFormatter().format(identifier)) }
        let model = retrieve.moveModel
        let destination = self.destination
        let interruption = Interruption()
        let progress = SharedProgressLine()
        let result: RetrieveResult
        do {
            let association = try await peer.connect([ProposedPresentationContext(abstractSyntax: model)])
            result = try await interruption.run {
                try await association.move(identifier, destination: destination, informationModel: model) { counts in
                    progress.show("C-MOVE to \(destination): \(RetrieveOptions.counts(counts))")
                }
            } abort: {
                await association.abort()
            }
            progress.clear()
            try await association.release()
        } catch {
            progress.clear()
            if interruption.count > 1 {
                printError("apus move: interrupted again: association aborted without waiting for the peer")
                throw ExitStatus.interrupted.exitCode
            }
            printError("apus move: \(ClientErrorText.describe(error, peer: peer))")
            throw ExitStatus(for: error).exitCode
        }
        print(
            "C-MOVE to \(destination) \(DisplayName.status(result.status)): sub-operations "
                + RetrieveOptions.counts(result))
        for uid in result.failedSOPInstanceUIDs { printError("apus move: failed: \(uid)") }
        if let comment = result.errorComment { printError("apus move: the peer says: \(comment)") }
        if result.status.isFailure || (result.subOperations.failed ?? 0) > 0 {
            throw ExitStatus.operationFailed.exitCode
        }
        if interruption.count > 0 {
            printError("apus move: interrupted: C-CANCEL sent, the peer answered \(DisplayName.status(result.status))")
            throw ExitStatus.cancelled.exitCode
        }
    }
}
