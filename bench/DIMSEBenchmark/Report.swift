import BenchSupport

/// The rows of the DIMSE table and the targets of issues 3 and 4.
enum Table {
    static let rows: [Row] = [
        Row(id: "echo.median", label: "C-ECHO round trip, median", unit: "ms", higherIsBetter: false),
        Row(id: "echo.p99", label: "C-ECHO round trip, p99", unit: "ms", higherIsBetter: false),
        Row(id: "echo.dcmtk", label: "C-ECHO, echoscu --repeat (mean)", unit: "ms", higherIsBetter: false),
        Row(id: "small.1", label: "C-STORE 64x64, 1 association", unit: "inst/s", higherIsBetter: true),
        Row(id: "small.n", label: "C-STORE 64x64, N associations", unit: "inst/s", higherIsBetter: true),
        Row(id: "small.dcmtk", label: "C-STORE 64x64, storescu", unit: "inst/s", higherIsBetter: true),
        Row(id: "small.cpu", label: "server CPU per 64x64 instance", unit: "µs", higherIsBetter: false),
        Row(id: "small.selfcpu", label: "client+server CPU per 64x64, 1 assoc.", unit: "µs", higherIsBetter: false),
        Row(id: "small.csw", label: "context switches per 64x64, 1 assoc.", unit: "", higherIsBetter: false),
        Row(id: "ct.1", label: "C-STORE CT 512x512, 1 association", unit: "MB/s", higherIsBetter: true),
        Row(id: "ct.n", label: "C-STORE CT 512x512, N associations", unit: "MB/s", higherIsBetter: true),
        Row(id: "ct.dcmtk", label: "C-STORE CT 512x512, storescu", unit: "MB/s", higherIsBetter: true),
        Row(id: "small.w", label: "C-STORE 64x64, 1 assoc., async window", unit: "inst/s", higherIsBetter: true),
        Row(id: "ct.w", label: "C-STORE CT 512x512, 1 assoc., async window", unit: "MB/s", higherIsBetter: true),
        Row(id: "ct.selfcpu", label: "client+server CPU per CT MB, 1 assoc.", unit: "µs", higherIsBetter: false),
        Row(id: "ct.csw", label: "context switches per CT, 1 assoc.", unit: "", higherIsBetter: false),
        Row(id: "rss.store", label: "peak RSS after the stores", unit: "MiB", higherIsBetter: false),
        Row(id: "get.first", label: "C-GET CT study just stored, 1 assoc.", unit: "MB/s", higherIsBetter: true),
        Row(id: "get.again", label: "C-GET CT study again, 1 assoc.", unit: "MB/s", higherIsBetter: true),
        Row(id: "find.ingest", label: "C-FIND corpus ingest, N assoc.", unit: "inst/s", higherIsBetter: true),
        Row(id: "find.count", label: "instances indexed for C-FIND", unit: "", higherIsBetter: true),
        Row(id: "find.id.median", label: "C-FIND study by PatientID, median", unit: "ms", higherIsBetter: false),
        Row(id: "find.id.p99", label: "C-FIND study by PatientID, p99", unit: "ms", higherIsBetter: false),
        Row(id: "find.name.median", label: "C-FIND study by name prefix*, median", unit: "ms", higherIsBetter: false),
        Row(id: "rss.find", label: "peak RSS after the C-FIND ingest", unit: "MiB", higherIsBetter: false),
    ]

    static let goals: [Goal<TargetKind>] = [
        Goal(issue: 3, row: "echo.median", target: .noop, bound: 1, atLeast: false),
        Goal(issue: 3, row: "small.1", target: .noop, bound: 5_000, atLeast: true),
        Goal(issue: 3, row: "ct.1", target: .noop, bound: 1_000, atLeast: true),
        Goal(issue: 3, row: "echo.median", target: .apus, bound: 1, atLeast: false),
        Goal(issue: 4, row: "small.1", target: .apus, bound: 1_000, atLeast: true),
        Goal(issue: 4, row: "ct.1", target: .apus, bound: 300, atLeast: true),
        Goal(issue: 4, row: "small.w", target: .apus, bound: 1_000, atLeast: true),
        Goal(issue: 4, row: "ct.w", target: .apus, bound: 300, atLeast: true),
        Goal(issue: 4, row: "find.id.median", target: .apus, bound: 5, atLeast: false),
        Goal(issue: 4, row: "find.name.median", target: .apus, bound: 5, atLeast: false),
        Goal(issue: 4, row: "rss.store", target: .apus, bound: 128, atLeast: false),
        Goal(issue: 4, row: "rss.find", target: .apus, bound: 128, atLeast: false),
    ]
}
