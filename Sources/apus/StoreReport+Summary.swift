import Foundation

extension StoreReport {
    /// The summary for people.
    func text(peer: String, seconds: Double) -> String {
        let plural = associations == 1 ? "association" : "associations"
        var lines = [
            "Sent \(sent) of \(files) files to \(peer): \(Self.megabytes(bytes)) in "
                + String(format: "%.2f s", seconds) + " (\(Self.rate(bytes, seconds))), \(associations) \(plural)"
        ]
        for kind in [Result.Kind.warning, .failed] {
            let listed = results.filter { $0.result == kind }
            guard !listed.isEmpty else { continue }
            lines.append("\(kind == .warning ? "Warnings" : "Failed"): \(listed.count)")
            lines += listed.map { "  \($0.path): \(Self.describe($0))" }
        }
        if skipped > 0 { lines.append("Skipped: \(skipped) (not DICOM Part 10 instances)") }
        if let stopped { lines.append("Not sent: \(notSent) (stopped: \(stopped.reason))") }
        return lines.joined(separator: "\n")
    }

    /// `0xA900 failure (error: …): "comment"`, or the reason a file was not sent.
    static func describe(_ result: Result) -> String {
        guard let status = result.status else { return result.reason ?? "" }
        var text = "0x\(status) " + (result.result == .warning ? "warning" : "failure")
        if let meaning = result.statusMeaning { text += " (\(meaning))" }
        if let comment = result.errorComment { text += ": \"\(comment)\"" }
        return text
    }

    /// The summary for scripts: one JSON object.
    func json(peer: String, seconds: Double) -> String {
        let summary = Summary(
            peer: peer, exitCode: exitStatus.rawValue, error: stopped?.reason, files: files, sent: sent,
            warnings: warnings, failed: failed, skipped: skipped, notSent: notSent, bytes: bytes,
            seconds: (seconds * 1000).rounded() / 1000, associations: associations, results: results)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(summary) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private struct Summary: Encodable {
        var peer: String
        var exitCode: Int32
        var error: String?
        var files, sent, warnings, failed, skipped, notSent, bytes: Int
        var seconds: Double
        var associations: Int
        var results: [Result]
    }
}
