import Foundation

/// A server a benchmark measures: a column of its table.
package protocol BenchmarkTarget: Hashable, Sendable {
    var title: String { get }
    /// The (Apus, reference) pairs whose ratio the table shows, Apus first.
    static var comparisons: [(Self, Self)] { get }
}

/// One line of the table: a figure per target.
package struct Row: Sendable {
    package let id: String
    package let label: String
    package let unit: String
    package let higherIsBetter: Bool

    package init(id: String, label: String, unit: String, higherIsBetter: Bool) {
        self.id = id
        self.label = label
        self.unit = unit
        self.higherIsBetter = higherIsBetter
    }
}

/// A target an issue sets: a row, for one target, below or above a bound.
package struct Goal<Target: BenchmarkTarget>: Sendable {
    package let issue: Int
    package let row: String
    package let target: Target
    package let bound: Double
    /// The figure must be at least `bound` (else: below it).
    package let atLeast: Bool

    package init(issue: Int, row: String, target: Target, bound: Double, atLeast: Bool) {
        self.issue = issue
        self.row = row
        self.target = target
        self.bound = bound
        self.atLeast = atLeast
    }
}

/// The figures of every target, by row id, and the table and goal lines they print as.
package struct Results<Target: BenchmarkTarget> {
    package var figures: [String: [Target: Double]] = [:]
    let rows: [Row]
    let goals: [Goal<Target>]
    /// Rows that are counts, not figures to compare (no ratio).
    let counts: Set<String>

    package init(rows: [Row], goals: [Goal<Target>], counts: Set<String> = []) {
        self.rows = rows
        self.goals = goals
        self.counts = counts
    }

    package mutating func merge(_ target: Target, _ values: [String: Double]) {
        for (row, value) in values { figures[row, default: [:]][target] = value }
    }

    /// `labelRewrite` adapts a row's label to the run (such as N associations).
    package func table(targets: [Target], labelRewrite: (String) -> String = { $0 }) -> String {
        let pairs = Target.comparisons.filter { targets.contains($0.0) && targets.contains($0.1) }
        var lines: [String] = []
        let columns =
            [pad("workload", 40, left: true), pad("unit", 7, left: true)] + targets.map { pad($0.title, 12) }
            + pairs.map { pad("\($0.0.title)/\($0.1.title)", 20) }
        lines.append(columns.joined(separator: " "))
        for row in rows {
            guard let values = figures[row.id], !values.isEmpty else { continue }
            var cells = [pad(labelRewrite(row.label), 40, left: true), pad(row.unit, 7, left: true)]
            cells += targets.map { pad(values[$0].map(format) ?? "-", 12) }
            for (apus, reference) in pairs {
                guard let mine = values[apus], let theirs = values[reference], theirs > 0, !counts.contains(row.id)
                else {
                    cells.append(pad("-", 20))
                    continue
                }
                let ratio = mine / theirs
                let better = row.higherIsBetter ? ratio >= 1 : ratio <= 1
                cells.append(pad(formatRatio(ratio) + (better ? " +" : " -"), 20))
            }
            lines.append(cells.joined(separator: " "))
        }
        lines.append("A/B: the first target's figure over the second's; + where the first does better, - where worse.")
        return lines.joined(separator: "\n")
    }

    /// One line per goal: the bound, the figure, met or MISSED.
    package func goalLines(labelRewrite: (String) -> String = { $0 }) -> String {
        var lines: [String] = []
        for goal in goals {
            guard let row = rows.first(where: { $0.id == goal.row }) else { continue }
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
                    "issue \(goal.issue)", pad(goal.target.title, 12, left: true),
                    pad(labelRewrite(row.label), 40, left: true),
                    pad(bound, 14, left: true), pad(value.map(format) ?? "-", 9), verdict,
                ].joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}

package func format(_ value: Double) -> String {
    let digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.minimumFractionDigits = digits
    formatter.maximumFractionDigits = digits
    formatter.locale = Locale(identifier: "en_US")
    return formatter.string(from: NSNumber(value: value)) ?? "\(value)"
}

package func formatRatio(_ ratio: Double) -> String {
    String(format: ratio >= 10 ? "%.0fx" : ratio >= 1 ? "%.1fx" : "%.2fx", ratio)
}

package func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    guard text.count < width else { return text }
    let padding = String(repeating: " ", count: width - text.count)
    return left ? text + padding : padding + text
}

/// Progress on standard error, so that standard output holds the figures.
package func log(_ message: String) {
    FileHandle.standardError.write(Data("[\(Date().formatted(date: .omitted, time: .standard))] \(message)\n".utf8))
}

/// What the figures were measured on, for the report.
package enum Machine {
    /// Before a timed write workload: what earlier workloads (or the other server) left dirty
    /// in the page cache is written out first, so that no run pays for another's writeback.
    /// Without it, the same STOW-RS run here ranged from 457 to 1,421 instances/s.
    package static func settle() async throws {
        sync()
        try await Task.sleep(for: .milliseconds(500))
    }

    package static func describe() -> String {
        var parts = ["\(ProcessInfo.processInfo.activeProcessorCount) cores"]
        if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
            parts.append("load \(load.split(separator: " ").prefix(3).joined(separator: " "))")
        }
        let date = Date().formatted(.iso8601.year().month().day())
        return ([date] + parts).joined(separator: ", ")
    }
}
