// DIMSE benchmark: Apus against Orthanc over DICOM networking, in the same run, with the
// same client (Apus's `DICOMClient`) and the same instances, on the loopback.
//
//   swift build -c release --product apus && swift run -c release DIMSEBenchmark [options]
//
// Targets, one after the other: Apus's `DICOMServer` with a storage service that drops the
// data sets (the network stack alone, issue 3), the release `apus serve` binary (SQLite +
// files in a temporary folder, issue 4), Orthanc (Debian's package, default SQLite + files)
// as a child process, as shipped and with TCP_NODELAY=1 (DCMTK's Nagle switch). Workloads: C-ECHO round trips, C-STORE of 64×64 and 512×512 16-bit
// instances on one and on several associations, study-level C-FIND once a corpus is
// indexed, the peak RSS of the servers; DCMTK's echoscu and storescu as a cross-check.
// Every loop is bounded in count and in time; every server started is stopped.
import BenchSupport
import DICOM
import Foundation

#if DEBUG
    print("warning: debug build; run `swift run -c release DIMSEBenchmark` for real figures")
#endif

let options = Options.parse(CommandLine.arguments)
if options.help {
    print(Options.usage)
    exit(0)
}
ServerProcess.terminateAllOnInterrupt()

let work = options.workDirectory ?? NSTemporaryDirectory() + "apus-dimse-bench-\(getpid())"
var results = Results<TargetKind>(rows: Table.rows, goals: Table.goals, counts: ["find.count"])
do {
    try? FileManager.default.removeItem(atPath: work)
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    log("work directory \(work)")
    let corpus = try Corpus.make(options: options, directory: work)
    for target in options.targets {
        log("== \(target.title)")
        results.merge(target, try await Bench.measure(target, corpus: corpus, options: options, work: work))
    }
} catch {
    ServerProcess.terminateAll()
    log("benchmark failed: \(error)")
    log("(logs and data kept in \(work))")
    exit(1)
}
if !options.keep { try? FileManager.default.removeItem(atPath: work) }

print()
print(
    "Apus DIMSE benchmark, \(Machine.describe()); client: Apus DICOMClient for every target; "
        + "\(options.small) small, \(options.ct) CT instances, \(options.echoes) echoes")
print(
    results.table(targets: options.targets) {
        $0.replacingOccurrences(of: "N assoc", with: "\(options.associations) assoc")
    })
print("N associations: \(options.associations).")
if options.targets.contains(.orthancNoDelay) {
    print("Orthanc nd: the same Orthanc with TCP_NODELAY=1 (DCMTK's switch for Nagle's algorithm).")
}
print()
print("Targets of the issues:")
print(results.goalLines())
