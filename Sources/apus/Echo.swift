import ArgumentParser
import DICOMNetwork

/// `apus echo HOST PORT`: C-ECHO, like DCMTK's echoscu, with the round-trip time of each.
struct Echo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that a peer answers: C-ECHO, with the round-trip time.",
        discussion: """
            Prints one line per C-ECHO on standard output: its status and round-trip time; with \
            --repeat, the minimum, median and maximum after them. All C-ECHOs go over one association.

            \(ExitStatus.summary)
            """)

    @OptionGroup var peer: PeerOptions

    @Option(name: .customLong("repeat"), help: ArgumentHelp("How many C-ECHOs to send.", valueName: "n"))
    var count = 1

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--repeat must be at least 1") }
    }

    func run() async throws {
        var status = ExitStatus.success
        do {
            let clock = ContinuousClock()
            let start = clock.now
            let association = try await peer.connect([.verification])
            if peer.verbose { printError("associated in \(Milliseconds.text(clock.now - start))") }
            var times: [Duration] = []
            for index in 1...count {
                let sent = clock.now
                let answer = try await association.echo()
                let time = clock.now - sent
                times.append(time)
                let number = count > 1 ? " \(index)/\(count)" : ""
                print("C-ECHO\(number) to \(peer.name): \(DisplayName.status(answer)) in \(Milliseconds.text(time))")
                if !answer.isSuccess { status = .operationFailed }
            }
            try await association.release()
            if count > 1 { print(Milliseconds.statistics(times)) }
        } catch {
            printError("apus echo: \(ClientErrorText.describe(error, peer: peer))")
            throw ExitStatus(for: error).exitCode
        }
        if status != .success { throw status.exitCode }
    }
}
