import ArgumentParser

@main
struct Apus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apus",
        abstract: "Apus, a DICOM archive.",
        discussion: ExitStatus.summary,
        subcommands: [
            Serve.self, Check.self, Import.self, Dump.self, Echo.self, Store.self, Find.self, Get.self, Move.self,
            HashPassword.self,
        ]
    )

    /// ArgumentParser's own `main`, except that a usage error exits with 2, as the exit codes
    /// of the network commands say, rather than with EX_USAGE (64).
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            printError(fullMessage(for: error))
            exit(withError: ExitStatus.usage.exitCode)
        }
    }
}
