import BenchSupport
import Foundation

/// The command line: counts, time limits, targets, workloads, paths.
struct Options {
    var targets: [WebTarget] = [.apus, .orthanc]
    /// Workloads to run; nil: each target's own default (`WebTarget.defaultWorkloads`).
    var workloads: Set<Workload>?
    /// CT instances per STOW-RS workload, sent in requests of `batch`.
    var stowInstances = 200
    var batch = 20
    var clients = 4
    var wadoPasses = 3
    var metadataInstances = 2_000
    var metadataRequests = 5
    /// Megabytes each client uploads in one STOW-RS request while the peak RSS is watched.
    var rssMegabytes = 200
    var queryInstances = 100_000
    var perStudy = 20
    var queries = 200
    /// Time limit of the QIDO corpus ingest, per target, in seconds.
    var populateSeconds = 1_200
    var associations = 4
    /// Time limit of each timed workload, in seconds.
    var seconds = 120
    var apus: String?
    var orthanc = "/usr/sbin/Orthanc"
    var plugins = "/usr/share/orthanc/plugins"
    var workDirectory: String?
    var keep = false
    var help = false

    static let usage = """
        DICOMwebBenchmark: apus serve and Orthanc (DICOMweb plugin) over HTTP, side by side, one run.

          --targets LIST       of apus, orthanc, apus-postgres, apus-s3, apus-postgres-files, orthanc-postgres
                               (default apus,orthanc); all but apus and orthanc need APUS_TEST_POSTGRES_URL
                               (scripts/postgres-for-tests); apus-s3 also APUS_TEST_S3_ENDPOINT (scripts/s3-for-tests,
                               or `rclone serve s3`: bench/README.md)
          --workloads LIST     of stow, cstore, wado, metadata, rss, qido (default: all on apus and
                               orthanc; stow, cstore, qido on the PostgreSQL targets)
          --stow N             CT 512x512 instances per STOW-RS workload (200)
          --batch N            instances per STOW-RS request (20)
          --clients N          concurrent HTTP clients / DICOM associations of the parallel workloads (4)
          --wado-passes N      WADO-RS study retrievals, best kept (3)
          --metadata N         instances of the study whose metadata is asked for (2000)
          --metadata-requests N  timed metadata requests (5)
          --rss-mb N           megabytes each client uploads in one request for the RSS workload (200)
          --query-instances N  instances indexed before the QIDO queries (100000)
          --per-study N        instances per study of that corpus (20)
          --queries N          QIDO queries of each kind (200)
          --populate-seconds S time limit of the QIDO corpus ingest per target (1200)
          --seconds S          time limit of each timed workload (120)
          --apus PATH          the apus binary (default: next to this one)
          --orthanc PATH       the Orthanc binary (/usr/sbin/Orthanc)
          --plugins DIR        Orthanc's plugins (/usr/share/orthanc/plugins)
          --work DIR           where the servers keep their data (a fresh temporary folder)
          --keep               keep that folder (logs, databases)
        """

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var line = CommandLineOptions(arguments, fail: fail)
        while let option = line.next() {
            switch option {
            case "--stow": options.stowInstances = max(1, line.count())
            case "--batch": options.batch = max(1, line.count())
            case "--clients": options.clients = max(1, line.count())
            case "--wado-passes": options.wadoPasses = max(1, line.count())
            case "--metadata": options.metadataInstances = max(1, line.count())
            case "--metadata-requests": options.metadataRequests = max(1, line.count())
            case "--rss-mb": options.rssMegabytes = max(1, line.count())
            case "--query-instances": options.queryInstances = max(1, line.count())
            case "--per-study": options.perStudy = max(1, line.count())
            case "--queries": options.queries = max(1, line.count())
            case "--populate-seconds": options.populateSeconds = max(1, line.count())
            case "--seconds": options.seconds = max(1, line.count())
            case "--apus": options.apus = line.value()
            case "--orthanc": options.orthanc = line.value()
            case "--plugins": options.plugins = line.value()
            case "--work": options.workDirectory = line.value()
            case "--keep": options.keep = true
            case "--help", "-h": options.help = true
            case "--targets":
                options.targets = line.list(of: WebTarget.self, "target")
            case "--workloads":
                options.workloads = Set(line.list(of: Workload.self, "workload"))
            default: fail("unknown option \(option)")
            }
        }
        options.associations = options.clients
        return options
    }

    func runs(_ workload: Workload, on target: WebTarget) -> Bool {
        (workloads ?? target.defaultWorkloads).contains(workload)
    }

    /// The apus binary: the option, else the one built next to this benchmark.
    var apusExecutable: String {
        apus ?? CommandLineOptions.besideThisProgram("apus")
    }
}

/// The workloads, in the order they run on each target.
enum Workload: String, CaseIterable, Sendable {
    case stow, cstore, wado, metadata, rss, qido
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("DICOMwebBenchmark: \(message)\n\(Options.usage)\n".utf8))
    exit(2)
}
