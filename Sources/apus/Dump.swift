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
        var dataSets: [DataSet] = []
        for path in files {
            do {
                let file = try DICOMFile(contentsOf: path, options: options)
                if json {
                    dataSets.append(file.dataSet)
                } else {
                    if files.count > 1 { print("# \(path)") }
                    print(DumpFormatter(maximumValueWidth: width).format(file), terminator: "")
                }
            } catch {
                failed = true
                printError("apus dump: \(path): \(error)")
            }
        }
        if json { printJSON(dataSets) }
        if failed { throw ExitCode(1) }
    }

    /// One file gives one JSON object; several give an array of them, so the output stays one
    /// JSON text. Bulk data is inlined.
    private func printJSON(_ dataSets: [DataSet]) {
        let encoder = DICOMJSONEncoder(prettyPrinted: true)
        if files.count == 1, let dataSet = dataSets.first {
            print(encoder.encodeString(dataSet))
        } else if !dataSets.isEmpty {
            print(String(buffer: encoder.encode(dataSets)))
        }
    }
}
