// Parse benchmark: Apus's Part 10 reader against pydicom, in the same run, on the same files.
//
//   swift run -c release ParseBenchmark [--series N] [--passes K] [--ingest-only]
//
// Workloads: every file of pydicom's test corpus that both read, and a generated series of
// 512×512 16-bit CT images. Each is parsed from memory (parser speed) and from disk (page
// cache, what an import sees). Best of K passes. Targets (issue 2): ≥ 1 GB/s on the CT
// series, ≥ 50× pydicom's instances/s on the corpus. Then the DICOM steps of ingest, one by
// one, on the CT series' data sets (the header of DIMSEBenchmark's instances).
import DICOM
import Foundation
import NIOCore

struct Workload {
    let name: String
    let paths: [String]
    let buffers: [ByteBuffer]
    var bytes: Int { buffers.reduce(0) { $0 + $1.readableBytes } }
}

struct Timing {
    let seconds: Double
    let files: Int
    let bytes: Int
    var instancesPerSecond: Double { Double(files) / seconds }
    var megabytesPerSecond: Double { Double(bytes) / seconds / 1_000_000 }
}

let arguments = CommandLine.arguments
func option(_ name: String, default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
        let parsed = Int(arguments[index + 1])
    else { return value }
    return parsed
}
let seriesCount = option("--series", default: 100)
let passes = option("--passes", default: 5)

func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let output = Pipe()
    let inputPipe = Pipe()
    process.standardOutput = output
    process.standardInput = inputPipe
    try process.run()
    if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inputPipe.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw NSError(domain: "bench", code: Int(process.terminationStatus))
    }
    return data
}

func corpus() throws -> Workload {
    let listing = try run(
        "python3",
        [
            "-c",
            "import pydicom.data as d; print('\\n'.join(sorted(f for f in d.get_testdata_files() if f.endswith('.dcm'))))",
        ])
    var paths: [String] = []
    var buffers: [ByteBuffer] = []
    for path in String(decoding: listing, as: UTF8.self).split(separator: "\n").map(String.init) {
        guard let buffer = try? FileBytes.read(path: path),
            (try? DICOMFile(reading: buffer, options: ReadOptions(allowRawDataSet: true))) != nil
        else { continue }
        paths.append(path)
        buffers.append(buffer)
    }
    return Workload(name: "pydicom corpus", paths: paths, buffers: buffers)
}

/// A CT series as a scanner writes it: a full header and 512×512 16-bit pixels.
func ctSeries(count: Int) throws -> Workload {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apus-bench-ct").path
    try? FileManager.default.removeItem(atPath: directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var pixels = ByteBuffer()
    for index in 0..<(512 * 512) { pixels.writeInteger(UInt16(truncatingIfNeeded: index % 4096), endianness: .little) }
    var paths: [String] = []
    var buffers: [ByteBuffer] = []
    let study = "2.25.1402000000000000000000000000000001"
    for number in 1...count {
        var header = DataSet()
        header.set(.specificCharacterSet, string: "ISO_IR 100")
        header.set(.imageType, strings: ["ORIGINAL", "PRIMARY", "AXIAL"])
        header.set(.sopClassUID, string: "1.2.840.10008.5.1.4.1.1.2")
        header.set(.sopInstanceUID, string: "\(study).1.\(number)")
        header.set(.studyDate, string: "20261125")
        header.set(.studyTime, string: "101500")
        header.set(.accessionNumber, string: "ACC\(number)")
        header.set(.modality, string: "CT")
        header.set(.manufacturer, string: "Apus bench")
        header.set(.studyDescription, string: "CT THORAX")
        header.set(.seriesDescription, string: "AXIAL 1.25")
        header.set(.patientName, string: "Bench^Patient")
        header.set(.patientID, string: "BENCH-1")
        header.set(.patientBirthDate, string: "19700101")
        header.set(.patientSex, string: "O")
        header.set(.sliceThickness, string: "1.25")
        header.set(.kvp, string: "120")
        header.set(.studyInstanceUID, string: study)
        header.set(.seriesInstanceUID, string: "\(study).1")
        header.set(.studyID, string: "1")
        header.set(.seriesNumber, string: "1")
        header.set(.instanceNumber, string: "\(number)")
        header.set(.imagePositionPatient, strings: ["-250", "-250", String(Double(number) * 1.25)])
        header.set(.imageOrientationPatient, strings: ["1", "0", "0", "0", "1", "0"])
        header.set(.frameOfReferenceUID, string: "\(study).2")
        header.set(.sliceLocation, string: String(Double(number) * 1.25))
        header.set(.samplesPerPixel, integers: [1])
        header.set(.photometricInterpretation, string: "MONOCHROME2")
        header.set(.rows, integers: [512])
        header.set(.columns, integers: [512])
        header.set(.pixelSpacing, strings: ["0.9765625", "0.9765625"])
        header.set(.bitsAllocated, integers: [16])
        header.set(.bitsStored, integers: [12])
        header.set(.highBit, integers: [11])
        header.set(.pixelRepresentation, integers: [0])
        header.set(.windowCenter, strings: ["40"])
        header.set(.windowWidth, strings: ["400"])
        header.set(.rescaleIntercept, string: "-1024")
        header.set(.rescaleSlope, string: "1")
        header.set(.pixelData, vr: .OW, bytes: pixels)
        let file = DICOMFile(dataSet: header, transferSyntax: .explicitVRLittleEndian)
        let encoded = try file.encoded()
        let path = "\(directory)/CT\(number).dcm"
        guard FileManager.default.createFile(atPath: path, contents: Data(encoded.readableBytesView)) else {
            throw NSError(domain: "bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot write \(path)"])
        }
        paths.append(path)
        buffers.append(encoded)
    }
    return Workload(name: "CT 512x512x16", paths: paths, buffers: buffers)
}

/// Keeps the optimizer from discarding parses whose results are otherwise unused.
nonisolated(unsafe) var sink = 0

func timeApus(_ workload: Workload, fromDisk: Bool) throws -> Timing {
    var best = Double.infinity
    let clock = ContinuousClock()
    for _ in 0..<passes {
        let start = clock.now
        if fromDisk {
            for path in workload.paths {
                sink &+= try DICOMFile(contentsOf: path, options: ReadOptions(allowRawDataSet: true)).dataSet.count
            }
        } else {
            for buffer in workload.buffers {
                sink &+= try DICOMFile(reading: buffer, options: ReadOptions(allowRawDataSet: true)).dataSet.count
            }
        }
        let elapsed = clock.now - start
        best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return Timing(seconds: best, files: workload.paths.count, bytes: workload.bytes)
}

struct PydicomResult: Decodable {
    let pydicom: String
    let files: Int
    let bytes: Int
    let memorySeconds: Double
    let diskSeconds: Double
}

func timePydicom(_ workload: Workload) throws -> PydicomResult {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("pydicom_parse.py").path
    let output = try run(
        "python3", [script, String(max(1, min(passes, 3))), "-"], input: workload.paths.joined(separator: "\n"))
    return try JSONDecoder().decode(PydicomResult.self, from: output)
}

func format(_ value: Double, _ digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

#if DEBUG
    print("warning: debug build; run `swift run -c release ParseBenchmark` for real figures")
#endif
if let index = arguments.firstIndex(of: "--profile"), index + 1 < arguments.count {
    // One file parsed many times and nothing else, for callgrind or perf.
    let buffer = try FileBytes.read(path: arguments[index + 1])
    for _ in 0..<option("--repeat", default: 1000) {
        sink &+= try DICOMFile(reading: buffer, options: ReadOptions(allowRawDataSet: true)).dataSet.count
    }
    print("checksum \(sink)")
    exit(0)
}
func printIngestSteps(_ workload: Workload) throws {
    print("DICOM steps of a C-STORE ingest, \(workload.name) headers: best of \(passes) passes")
    for (name, micros) in try IngestSteps.measure(workload, passes: passes) {
        print(
            [
                name.padding(toLength: 32, withPad: " ", startingAt: 0), pad(format(micros, 2) + " µs", 12),
                pad(format(1e6 / micros, 0) + " inst/s", 16),
            ].joined(separator: " "))
    }
}

if arguments.contains("--ingest-only") {
    // The ingest steps alone (no corpus, no pydicom), for A/B runs and perf.
    try printIngestSteps(try ctSeries(count: seriesCount))
    print("checksum \(sink)")
    exit(0)
}
let workloads = [try corpus(), try ctSeries(count: seriesCount)]
if arguments.contains("--per-file") {
    // The slowest files first: where the parser spends its time.
    var costs: [(Double, String)] = []
    for (path, buffer) in zip(workloads[0].paths, workloads[0].buffers) {
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<20 {
            sink &+= (try? DICOMFile(reading: buffer, options: ReadOptions(allowRawDataSet: true)))?.dataSet.count ?? 0
        }
        let elapsed = clock.now - start
        costs.append(
            (Double(elapsed.components.attoseconds) / 1e12 / 20 + Double(elapsed.components.seconds) * 1e6 / 20, path))
    }
    for (micros, path) in costs.sorted(by: { $0.0 > $1.0 }).prefix(15) {
        print(format(micros, 0), "µs", path.split(separator: "/").last ?? "")
    }
}
print("Apus Part 10 parse benchmark: best of \(passes) passes, pydicom in the same run")
print(
    [
        "workload".padding(toLength: 28, withPad: " ", startingAt: 0), pad("files", 6), pad("MB", 8),
        pad("apus inst/s", 12), pad("apus MB/s", 10), pad("pydicom inst/s", 15), pad("pydicom MB/s", 13),
        pad("ratio", 7),
    ].joined(separator: " "))
for workload in workloads {
    let reference = try timePydicom(workload)
    for fromDisk in [false, true] {
        let apus = try timeApus(workload, fromDisk: fromDisk)
        let seconds = fromDisk ? reference.diskSeconds : reference.memorySeconds
        let python = Timing(seconds: seconds, files: reference.files, bytes: reference.bytes)
        let label = workload.name + (fromDisk ? " (disk)" : " (memory)")
        print(
            [
                label.padding(toLength: 28, withPad: " ", startingAt: 0), pad("\(apus.files)", 6),
                pad(format(Double(apus.bytes) / 1_000_000), 8), pad(format(apus.instancesPerSecond, 0), 12),
                pad(format(apus.megabytesPerSecond, 0), 10), pad(format(python.instancesPerSecond, 0), 15),
                pad(format(python.megabytesPerSecond, 0), 13),
                pad(format(apus.instancesPerSecond / python.instancesPerSecond) + "x", 7),
            ].joined(separator: " "))
    }
}
try printIngestSteps(workloads[1])
print("checksum \(sink)")
