import BenchSupport
import Foundation

/// The command line: counts, time limits, targets, paths.
struct Options {
    var small = 2_000
    var ct = 200
    var echoes = 1_000
    var associations = 4
    /// The asynchronous operations window our client proposes in the windowed workloads
    /// (one association, several C-STOREs outstanding); 1 skips them.
    var window = 16
    /// Time limit of each store and echo workload, in seconds.
    var seconds = 60
    /// Passes of the store workloads on the no-op SCP (best one kept); the archives store
    /// each instance once.
    var noopPasses = 3
    var findInstances = 100_000
    var perStudy = 20
    var findQueries = 200
    /// Time limit of the C-FIND corpus ingest, per target, in seconds.
    var findSeconds = 1_500
    var dcmtkEchoes = 100
    var dcmtkStore = 500
    /// The maximum PDU length our client and the no-op SCP offer (each sends PDUs up to the
    /// other's): 16 KiB is what most modalities use, Apus offers 128 KiB by default.
    var maximumPDULength: UInt32 = 131_072
    var targets = TargetKind.allCases
    var apus: String?
    /// A command that runs apus serve under it, such as valgrind, for profiling.
    var apusWrapper: [String] = []
    var orthanc = "/usr/sbin/Orthanc"
    var workDirectory: String?
    var keep = false
    var help = false

    static let usage = """
        DIMSEBenchmark: Apus's no-op SCP, apus serve and Orthanc over DICOM networking, one run.

          --targets LIST     of noop, apus, orthanc, orthanc-nodelay, comma-separated (default all four)
          --small N          64x64 instances per C-STORE workload (2000)
          --ct N             512x512 CT instances per C-STORE workload (200)
          --echoes N         C-ECHOs timed (1000)
          --associations N   associations of the parallel workloads (4)
          --window N         asynchronous operations window of the windowed workloads (16; 1 skips them)
          --seconds S        time limit of each echo and store workload (60)
          --noop-passes N    passes of the no-op SCP's store workloads, best kept (3)
          --find-instances N instances indexed before the C-FIND queries (100000; 0 skips C-FIND)
          --per-study N      instances per study of that corpus (20)
          --find-queries N   queries of each kind (200)
          --find-seconds S   time limit of the corpus ingest per target (1500)
          --dcmtk-echoes N   echoscu --repeat N (100; 0 skips DCMTK)
          --dcmtk-store N    files sent by storescu (500, and as many CT files as --ct)
          --max-pdu BYTES    maximum PDU length of our client and the no-op SCP (131072)
          --apus PATH        the apus binary (default: next to this one)
          --apus-wrapper CMD run apus serve under CMD, e.g. "valgrind --tool=callgrind" (profiling)
          --orthanc PATH     the Orthanc binary (/usr/sbin/Orthanc)
          --work DIR         where the servers keep their data (a fresh temporary folder)
          --keep             keep that folder (logs, databases)
        """

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var line = CommandLineOptions(arguments, fail: fail)
        while let option = line.next() {
            switch option {
            case "--small": options.small = max(1, line.count())
            case "--ct": options.ct = max(1, line.count())
            case "--echoes": options.echoes = max(1, line.count())
            case "--associations": options.associations = max(1, line.count())
            case "--window": options.window = max(1, line.count())
            case "--seconds": options.seconds = max(1, line.count())
            case "--noop-passes": options.noopPasses = max(1, line.count())
            case "--find-instances": options.findInstances = line.count()
            case "--per-study": options.perStudy = max(1, line.count())
            case "--find-queries": options.findQueries = max(1, line.count())
            case "--find-seconds": options.findSeconds = max(1, line.count())
            case "--dcmtk-echoes": options.dcmtkEchoes = line.count()
            case "--dcmtk-store": options.dcmtkStore = line.count()
            case "--max-pdu": options.maximumPDULength = UInt32(clamping: max(4_096, line.count()))
            case "--apus": options.apus = line.value()
            case "--apus-wrapper": options.apusWrapper = line.value().split(separator: " ").map(String.init)
            case "--orthanc": options.orthanc = line.value()
            case "--work": options.workDirectory = line.value()
            case "--keep": options.keep = true
            case "--help", "-h": options.help = true
            case "--targets":
                options.targets = line.list(of: TargetKind.self, "target")
            default: fail("unknown option \(option)")
            }
        }
        return options
    }

    /// The apus binary: the option, else the one built next to this benchmark.
    var apusExecutable: String {
        apus ?? CommandLineOptions.besideThisProgram("apus")
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("DIMSEBenchmark: \(message)\n\(Options.usage)\n".utf8))
    exit(2)
}
