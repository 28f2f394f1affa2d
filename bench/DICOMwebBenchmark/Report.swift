import BenchSupport

/// The rows of the DICOMweb table and the targets of issues 5 and 6.
enum Table {
    static let rows: [Row] = [
        Row(id: "stow.1", label: "STOW-RS CT, batches of B, 1 client", unit: "inst/s", higherIsBetter: true),
        Row(id: "stow.1.mb", label: "STOW-RS CT, batches of B, 1 client", unit: "MB/s", higherIsBetter: true),
        Row(id: "stow.n", label: "STOW-RS CT, batches of B, N clients", unit: "inst/s", higherIsBetter: true),
        Row(id: "stow.n.mb", label: "STOW-RS CT, batches of B, N clients", unit: "MB/s", higherIsBetter: true),
        Row(id: "cstore.n", label: "C-STORE CT, N associations", unit: "inst/s", higherIsBetter: true),
        Row(id: "cstore.n.mb", label: "C-STORE CT, N associations", unit: "MB/s", higherIsBetter: true),
        Row(id: "wado.first", label: "WADO-RS study of CT, first pass", unit: "MB/s", higherIsBetter: true),
        Row(id: "wado.mb", label: "WADO-RS study of CT, best pass", unit: "MB/s", higherIsBetter: true),
        Row(id: "metadata.median", label: "study metadata (M instances), median", unit: "ms", higherIsBetter: false),
        Row(id: "big.mb", label: "N × STOW-RS of R MB in one request", unit: "MB/s", higherIsBetter: true),
        Row(id: "rss.stow", label: "peak RSS during those uploads", unit: "MiB", higherIsBetter: false),
        Row(id: "qido.ingest", label: "QIDO corpus ingest (C-STORE, N assoc.)", unit: "inst/s", higherIsBetter: true),
        Row(id: "qido.count", label: "instances indexed for QIDO", unit: "", higherIsBetter: true),
        Row(id: "qido.id.median", label: "QIDO-RS study by PatientID, median", unit: "ms", higherIsBetter: false),
        Row(id: "qido.id.p99", label: "QIDO-RS study by PatientID, p99", unit: "ms", higherIsBetter: false),
        Row(id: "qido.name.median", label: "QIDO-RS by PatientName prefix*, median", unit: "ms", higherIsBetter: false),
        Row(id: "qido.name.p99", label: "QIDO-RS by PatientName prefix*, p99", unit: "ms", higherIsBetter: false),
        Row(id: "rss.end", label: "RSS at the end", unit: "MiB", higherIsBetter: false),
    ]

    static let goals: [Goal<WebTarget>] = [
        Goal(issue: 5, row: "wado.mb", target: .apus, bound: 1_000, atLeast: true),
        Goal(issue: 5, row: "qido.id.median", target: .apus, bound: 5, atLeast: false),
        Goal(issue: 5, row: "qido.name.median", target: .apus, bound: 20, atLeast: false),
        Goal(issue: 5, row: "metadata.median", target: .apus, bound: 300, atLeast: false),
        Goal(issue: 5, row: "rss.stow", target: .apus, bound: 128, atLeast: false),
        Goal(issue: 6, row: "qido.id.median", target: .apusPostgres, bound: 5, atLeast: false),
        Goal(issue: 6, row: "qido.id.median", target: .apusS3, bound: 5, atLeast: false),
    ]

    /// Ratio targets: the Apus target's figure at least `factor` times the reference's.
    static let ratioGoals: [(issue: Int, row: String, apus: WebTarget, reference: WebTarget, factor: Double)] = [
        (5, "stow.1", .apus, .orthanc, 3), (5, "stow.n", .apus, .orthanc, 3),
        (6, "stow.1", .apusPostgres, .orthancPostgres, 3), (6, "stow.n", .apusPostgres, .orthancPostgres, 3),
        (6, "stow.n", .apusS3, .orthancPostgres, 3),
        // S3 ingest with four clients at least half the filesystem store's, the index the same.
        (6, "stow.n", .apusS3, .apusPostgresFiles, 0.5),
    ]
}

extension Results<WebTarget> {
    /// One line per ratio target whose two targets ran.
    func ratioGoalLines() -> String {
        Table.ratioGoals.compactMap { goal in
            guard let mine = figures[goal.row]?[goal.apus], let theirs = figures[goal.row]?[goal.reference], theirs > 0
            else { return nil }
            let ratio = mine / theirs
            return [
                "issue \(goal.issue)", pad("\(goal.apus.title)/\(goal.reference.title)", 22, left: true),
                pad(goal.row, 10, left: true), pad(">= \(formatRatio(goal.factor))", 8, left: true),
                pad(formatRatio(ratio), 8), ratio >= goal.factor ? "met" : "MISSED",
            ].joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
