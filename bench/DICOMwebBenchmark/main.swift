// DICOMweb benchmark: `apus serve` against Orthanc with its DICOMweb plugin, in the same run,
// with the same HTTP client (AsyncHTTPClient) and DICOM client (Apus's `DICOMClient`, to
// fill the servers) and the same instances, on the loopback.
//
//   swift build -c release --product apus && swift run -c release DICOMwebBenchmark [options]
//
// Targets, one after the other, each on fresh storage: apus serve (SQLite + files), Orthanc
// (SQLite + files), and with --targets the PostgreSQL setups: apus serve with index and files
// in PostgreSQL, apus serve with the index in PostgreSQL and files in S3 (moto_server), and
// Orthanc with its PostgreSQL index and storage plugins (the Korthweb configuration).
// Workloads: STOW-RS of CT images in batches, C-STORE of the same, WADO-RS of a study, the
// metadata of a big study, the peak RSS while several clients upload big requests, QIDO-RS
// once a corpus is indexed. Every loop is bounded in count and in time; every server started
// is stopped.
import BenchSupport
import Foundation

#if DEBUG
    print("warning: debug build; run `swift run -c release DICOMwebBenchmark` for real figures")
#endif

let options = Options.parse(CommandLine.arguments)
if options.help {
    print(Options.usage)
    exit(0)
}
ServerProcess.terminateAllOnInterrupt()

let work = options.workDirectory ?? NSTemporaryDirectory() + "apus-dicomweb-bench-\(getpid())"
var results = Results<WebTarget>(rows: Table.rows, goals: Table.goals, counts: ["qido.count"])
let client = WebClient()
do {
    try? FileManager.default.removeItem(atPath: work)
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    log("work directory \(work)")
    let corpus = try Corpus.make(options: options)
    for target in options.targets {
        log("== \(target.title)")
        results.merge(
            target, try await Bench.measure(target, corpus: corpus, options: options, work: work, client: client))
    }
} catch {
    ServerProcess.terminateAll()
    try? await client.shutdown()
    log("benchmark failed: \(error)")
    log("(logs and data kept in \(work))")
    exit(1)
}
try? await client.shutdown()
if !options.keep { try? FileManager.default.removeItem(atPath: work) }

print()
print(
    "Apus DICOMweb benchmark, \(Machine.describe()); one HTTP client (AsyncHTTPClient) for every target; "
        + "\(options.stowInstances) CT per STOW-RS workload, \(options.queryInstances) instances asked for QIDO")
func label(_ text: String) -> String {
    text.replacingOccurrences(of: "batches of B", with: "batches of \(options.batch)")
        .replacingOccurrences(of: "N clients", with: "\(options.clients) clients")
        .replacingOccurrences(of: "N associations", with: "\(options.associations) associations")
        .replacingOccurrences(of: "N assoc.", with: "\(options.associations) assoc.")
        .replacingOccurrences(of: "N ×", with: "\(options.clients) ×")
        .replacingOccurrences(of: "R MB", with: "\(options.rssMegabytes) MB")
        .replacingOccurrences(of: "M instances", with: "\(options.metadataInstances) instances")
}
print(results.table(targets: options.targets, labelRewrite: label))
print()
print("Targets of the issues:")
print(results.goalLines(labelRewrite: label))
print(results.ratioGoalLines())
