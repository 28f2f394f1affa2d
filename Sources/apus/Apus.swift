import ArgumentParser

@main
struct Apus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apus",
        abstract: "Apus, a DICOM archive.",
        subcommands: [Serve.self, Import.self, Dump.self]
    )
}
