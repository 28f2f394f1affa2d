import Foundation

/// One line of the table: a figure per target.
struct Row {
    let id: String
    let label: String
    let unit: String
    let higherIsBetter: Bool

    static let all: [Row] = [
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
        Row(id: "ct.selfcpu", label: "client+server CPU per CT MB, 1 assoc.", unit: "µs", higherIsBetter: false),
        Row(id: "ct.csw", label: "context switches per CT, 1 assoc.", unit: "", higherIsBetter: false),
        Row(id: "rss.store", label: "peak RSS after the stores", unit: "MiB", higherIsBetter: false),
        Row(id: "find.ingest", label: "C-FIND corpus ingest, N assoc.", unit: "inst/s", higherIsBetter: true),
        Row(id: "find.count", label: "instances indexed for C-FIND", unit: "", higherIsBetter: true),
        Row(id: "find.id.median", label: "C-FIND study by PatientID, median", unit: "ms", higherIsBetter: false),
        Row(id: "find.id.p99", label: "C-FIND study by PatientID, p99", unit: "ms", higherIsBetter: false),
        Row(id: "find.name.median", label: "C-FIND study by name prefix*, median", unit: "ms", higherIsBetter: false),
        Row(id: "rss.find", label: "peak RSS after the C-FIND ingest", unit: "MiB", higherIsBetter: false),
    ]
}

/// A target an issue sets: a row, for one target, below or above a bound.
struct Goal {
    let issue: Int
    let row: String
    let target: TargetKind
    let bound: Double
    /// The figure must be at least `bound` (else: below it).
    let atLeast: Bool

    static let all: [Goal] = [
        Goal(issue: 3, row: "echo.median", target: .noop, bound: 1, atLeast: false),
        Goal(issue: 3, row: "small.1", target: .noop, bound: 5_000, atLeast: true),
        Goal(issue: 3, row: "ct.1", target: .noop, bound: 1_000, atLeast: true),
        Goal(issue: 3, row: "echo.median", target: .apus, bound: 1, atLeast: false),
        Goal(issue: 4, row: "small.1", target: .apus, bound: 1_000, atLeast: true),
        Goal(issue: 4, row: "ct.1", target: .apus, bound: 300, atLeast: true),
        Goal(issue: 4, row: "find.id.median", target: .apus, bound: 5, atLeast: false),
        Goal(issue: 4, row: "find.name.median", target: .apus, bound: 5, atLeast: false),
        Goal(issue: 4, row: "rss.store", target: .apus, bound: 128, atLeast: false),
        Goal(issue: 4, row: "rss.find", target: .apus, bound: 128, atLeast: false),
    ]
}

/// The figures of every target, by row id.
struct Results {
    var figures: [String: [TargetKind: Double]] = [:]
    var notes: [String] = []

    mutating func merge(_ target: TargetKind, _ values: [String: Double]) {
        for (row, value) in values { figures[row, default: [:]][target] = value }
    }

    func table(targets: [TargetKind], associations: Int) -> String {
        let references = targets.filter(\.isOrthanc)
        var lines: [String] = []
        let columns =
            [pad("workload", 38, left: true), pad("unit", 7, left: true)] + targets.map { pad($0.title, 11) }
            + references.map { pad("apus/" + $0.title, 17) }
        lines.append(columns.joined(separator: " "))
        for row in Row.all {
            guard let values = figures[row.id], !values.isEmpty else { continue }
            var cells = [
                pad(row.label.replacingOccurrences(of: "N assoc", with: "\(associations) assoc"), 38, left: true),
                pad(row.unit, 7, left: true),
            ]
            cells += targets.map { pad(values[$0].map(format) ?? "-", 11) }
            for reference in references {
                guard let apus = values[.apus], let orthanc = values[reference], orthanc > 0, row.id != "find.count"
                else {
                    cells.append(pad("-", 17))
                    continue
                }
                let ratio = apus / orthanc
                let better = row.higherIsBetter ? ratio >= 1 : ratio <= 1
                cells.append(pad(formatRatio(ratio) + (better ? " +" : " -"), 17))
            }
            lines.append(cells.joined(separator: " "))
        }
        lines.append("apus/…: + where Apus does better, - where worse. N associations: \(associations).")
        if targets.contains(.orthancNoDelay) {
            lines.append("Orthanc nd: the same Orthanc with TCP_NODELAY=1 (DCMTK's switch for Nagle's algorithm).")
        }
        return lines.joined(separator: "\n")
    }

    func goals() -> String {
        var lines: [String] = []
        for goal in Goal.all {
            guard let row = Row.all.first(where: { $0.id == goal.row }) else { continue }
            let value = figures[goal.row]?[goal.target]
            let verdict: String
            if let value {
                verdict = (goal.atLeast ? value >= goal.bound : value < goal.bound) ? "met" : "MISSED"
            } else {
                verdict = "not measured"
            }
            let bound = (goal.atLeast ? ">= " : "< ") + format(goal.bound) + " " + row.unit
            lines.append(
                [
                    "issue \(goal.issue)", pad(goal.target.title, 10, left: true), pad(row.label, 38, left: true),
                    pad(bound, 14, left: true), pad(value.map(format) ?? "-", 9), verdict,
                ].joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}

func format(_ value: Double) -> String {
    let digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.minimumFractionDigits = digits
    formatter.maximumFractionDigits = digits
    formatter.locale = Locale(identifier: "en_US")
    return formatter.string(from: NSNumber(value: value)) ?? "\(value)"
}

func formatRatio(_ ratio: Double) -> String {
    String(format: ratio >= 10 ? "%.0fx" : ratio >= 1 ? "%.1fx" : "%.2fx", ratio)
}

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    guard text.count < width else { return text }
    let padding = String(repeating: " ", count: width - text.count)
    return left ? text + padding : padding + text
}
