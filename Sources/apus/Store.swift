import ArgumentParser
import DICOM
import DICOMNetwork

/// `apus store HOST PORT FILES|DIRS…`: C-STORE, like `storescu +sd +r`.
struct Store: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send DICOM files to a peer: C-STORE of files and directories (recursively).",
        discussion: """
            Directories are searched recursively; what is not a DICOM Part 10 file is skipped \
            with a note. One association carries every SOP class / transfer syntax pair found \
            (several when more than 128 presentation contexts are needed). Each file goes in its \
            own transfer syntax when the peer accepts it, else in an accepted uncompressed one \
            when its pixel data is native. A progress line shows on a terminal; the summary at \
            the end (sent, warnings, failed with status and comment, skipped) is printed on \
            standard output, as JSON with --json. With -v, each file's outcome on standard error.

            \(ExitStatus.summary)
            """)

    @OptionGroup var peer: PeerOptions

    @Argument(help: "DICOM files, and directories to search recursively.")
    var paths: [String]

    @Flag(help: "Print the summary as JSON (counts, and each file not simply stored).")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Requests to keep outstanding (an asynchronous operations window, PS3.7 D.3.3.3).",
            discussion: "The peer may allow fewer, or none: then files go one after the other, as with 1.",
            valueName: "n"))
    var window = 1

    func validate() throws {
        guard (1...65_535).contains(window) else { throw ValidationError("--window must be 1 to 65535") }
    }

    func run() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let input: StoreInput
        do {
            input = try StoreInput.gather(paths)
        } catch {
            printError("apus store: \(error)")
            throw ExitStatus.usage.exitCode
        }
        for skipped in input.skipped { printError("apus store: skipping \(skipped.path): \(skipped.reason)") }
        var report = StoreReport(files: input.files.count, skipped: input.skipped)
        var progress = ProgressLine()
        if input.files.isEmpty {
            report.stop(.usage, reason: "no DICOM files to send")
            printError("apus store: no DICOM files to send")
        } else {
            await send(StorePlan(input.files), into: &report, progress: &progress) {
                Milliseconds.value(clock.now - start) / 1000
            }
        }
        progress.clear()
        let seconds = Milliseconds.value(clock.now - start) / 1000
        print(json ? report.json(peer: peer.name, seconds: seconds) : report.text(peer: peer.name, seconds: seconds))
        if report.exitStatus != .success { throw report.exitStatus.exitCode }
    }

    /// Sends the plan's associations one after the other; stops at the first error that is
    /// not a file's own (rejection, abort, network, timeout).
    private func send(
        _ plan: StorePlan, into report: inout StoreReport, progress: inout ProgressLine,
        elapsed: () -> Double
    ) async {
        for group in plan.associations {
            let association: ClientAssociation
            do {
                association = try await peer.connect(group.contexts, operationsWindow: window)
            } catch {
                stop(&report, progress: &progress, error)
                return
            }
            report.associations += 1
            // A few windows' worth of files read at a time: enough to keep the window full,
            // few enough that a folder of CT series is never all in memory.
            let batchSize = association.context.operationsInvoked > 1 ? 4 * association.context.operationsInvoked : 1
            for start in stride(from: 0, to: group.files.count, by: batchSize) {
                let batch = group.files[start..<min(start + batchSize, group.files.count)]
                let read = batch.map { file in Result { try DICOMFile(contentsOf: file.path) } }
                let outcomes: [Result<StoreOutcome, any Error>]
                do {
                    let sent = try await association.storeOutcomes(of: read.compactMap { try? $0.get() })
                    var iterator = sent.makeIterator()
                    outcomes = read.map { file in
                        file.flatMap { _ in iterator.next() ?? .failure(CancellationError()) }
                    }
                } catch {
                    await association.abort()
                    stop(&report, progress: &progress, error)
                    return
                }
                for (file, outcome) in zip(batch, outcomes) {
                    switch outcome {
                    case .success(let outcome):
                        let result = report.record(file, outcome)
                        if peer.verbose {
                            progress.clear()
                            let done = result.map(StoreReport.describe) ?? DisplayName.status(outcome.status)
                            let syntax =
                                outcome.converted ? ", converted to \(DisplayName.uid(outcome.transferSyntax))" : ""
                            printError("\(file.path): \(done)\(syntax)")
                        }
                    case .failure(let error):
                        let reason = Self.reason(error)
                        report.fail(file, reason: reason)
                        if peer.verbose {
                            progress.clear()
                            printError("\(file.path): \(reason)")
                        }
                    }
                }
                progress.show(report.progress(seconds: elapsed()))
            }
            do {
                try await association.release()
            } catch {
                stop(&report, progress: &progress, error)
                return
            }
        }
    }

    private func stop(_ report: inout StoreReport, progress: inout ProgressLine, _ error: any Error) {
        let reason = ClientErrorText.describe(error, peer: peer)
        progress.clear()
        printError("apus store: \(reason)")
        report.stop(ExitStatus(for: error), reason: reason)
    }

    /// Why a file could not be sent, when the association itself is fine.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as DICOMReadError: "cannot be read: \(error)"
        case let error as DICOMWriteError: "cannot be encoded: \(error)"
        case DICOMClientError.noPresentationContext(let sopClass, let syntax?):
            "the peer accepted no presentation context for \(DisplayName.uid(sopClass)) in \(DisplayName.uid(syntax))"
                + (TransferSyntax(uid: syntax).isUncompressed ? "" : " (compressed pixel data cannot be converted)")
        case DICOMClientError.missingUID(let tag): "no \(DataDictionary.entry(for: tag)?.keyword ?? "\(tag)")"
        default: "\(error)"
        }
    }
}
