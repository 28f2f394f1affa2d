import DICOM
import DICOMNetwork
import Foundation

/// What `apus store` did, file by file, and the summary it prints at the end: for people, or
/// as JSON for scripts (`--json`).
struct StoreReport: Sendable {
    /// A file that was not simply stored: a warning or failure status, a local failure, or
    /// skipped before sending.
    struct Result: Sendable, Equatable, Codable {
        enum Kind: String, Sendable, Codable {
            case warning, failed, skipped
        }

        var path: String
        var result: Kind
        var sopInstanceUID: String?
        /// The response's status, four hex digits (`A900`).
        var status: String?
        var statusMeaning: String?
        var errorComment: String?
        /// Why a file was not sent, or was skipped.
        var reason: String?
    }

    /// DICOM files found (skipped ones not counted).
    let files: Int
    private(set) var sent = 0
    private(set) var warnings = 0
    private(set) var failed = 0
    private(set) var skipped = 0
    private(set) var bytes = 0
    var associations = 0
    private(set) var results: [Result] = []
    /// Set when the run stopped before every file was tried.
    private(set) var stopped: (status: ExitStatus, reason: String)?

    init(files: Int, skipped: [StoreInput.Skipped]) {
        self.files = files
        self.skipped = skipped.count
        results = skipped.map { Result(path: $0.path, result: .skipped, reason: $0.reason) }
    }

    var notSent: Int { files - sent - failed }

    var exitStatus: ExitStatus {
        if let stopped { return stopped.status }
        return failed > 0 ? .operationFailed : .success
    }

    /// Records the peer's answer for a file; returns the result when it is not a plain success.
    @discardableResult
    mutating func record(_ file: StoreInput.Candidate, _ outcome: StoreOutcome) -> Result? {
        let status = outcome.status
        guard !status.isSuccess else {
            sent += 1
            bytes += outcome.dataSetLength
            return nil
        }
        let result = Result(
            path: file.path, result: status.isWarning ? .warning : .failed,
            sopInstanceUID: file.header.sopInstance?.rawValue, status: Self.hex(status.rawValue),
            statusMeaning: status.meaning, errorComment: outcome.errorComment)
        if status.isWarning {
            sent += 1
            warnings += 1
            bytes += outcome.dataSetLength
        } else {
            failed += 1
        }
        results.append(result)
        return result
    }

    /// A file that could not be sent for a reason of its own.
    mutating func fail(_ file: StoreInput.Candidate, reason: String) {
        failed += 1
        results.append(
            Result(path: file.path, result: .failed, sopInstanceUID: file.header.sopInstance?.rawValue, reason: reason))
    }

    mutating func stop(_ status: ExitStatus, reason: String) {
        stopped = (status, reason)
    }

    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// `12/40 files  5.2 MB  61.0 MB/s`, for the progress line.
    func progress(seconds: Double) -> String {
        "\(sent + failed)/\(files) files  \(Self.megabytes(bytes))  \(Self.rate(bytes, seconds))"
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

    static func rate(_ bytes: Int, _ seconds: Double) -> String {
        seconds > 0 ? String(format: "%.1f MB/s", Double(bytes) / 1e6 / seconds) : "- MB/s"
    }
}
