import ArgumentParser
import DICOM
import NIOCore

/// `apus dump FILE`: what `dcmdump` prints, or the DICOM JSON model with `--json`.
struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the elements of DICOM files, like dcmdump, or as DICOM JSON.")

    @Argument(help: "Part 10 files (or raw data sets with --raw).")
    var files: [String]

    @Flag(name: .long, help: "Print the DICOM JSON model (PS3.18 Annex F) of the data set.")
    var json = false

    @Flag(name: .long, help: "Read files without preamble and meta information too.")
    var raw = false

    @Flag(name: .long, help: "Stop before the pixel data.")
    var stopBeforePixelData = false

    @Option(name: .long, help: "Cut values longer than this many characters.")
    var width = 64

    mutating func run() throws {
        let options = ReadOptions(allowRawDataSet: raw, stopBeforePixelData: stopBeforePixelData)
        var failed = false
        for path in files {
            do {
                let file = try DICOMFile(contentsOf: path, options: options)
                if json {
                    throw ValidationError("--json: the DICOM JSON encoder lands with the JSON model")
                } else {
                    if files.count > 1 { print("# \(path)") }
                    print(DumpFormatter(maximumValueWidth: width).format(file), terminator: "")
                }
            } catch {
                failed = true
                printError("apus dump: \(path): \(error)")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
