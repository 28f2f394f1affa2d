import ApusServer
import Archive
import ArgumentParser
import DICOM
import Foundation
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// `apus import DIR|FILE…`: files straight into the archive, no network — the same ingest as
/// a C-STORE (blob durable first, index row second), several files at a time.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load DICOM files and folders (recursively) straight into the archive.",
        discussion: """
            Opens the archive apus serve would (same settings), so run it while the server is \
            stopped, or against the same data directory with care: SQLite allows one writer at \
            a time and waits for the other. Exit code 0 when every file was stored or already \
            there, 1 when some were refused (the summary says which and why), 2 for bad settings.
            """)

    @OptionGroup var storage: StorageOptions

    @Argument(help: "Files and folders to import.")
    var paths: [String]

    @Option(help: "Files stored at once.")
    var jobs = 4

    mutating func run() async throws {
        let settings = try storage.settings(command: "import")
        bootstrapLogging(level: "warning")
        let files = ImportFiles.expand(paths)
        let jobs = max(1, jobs)
        let tally = try await ApusServer(configuration: settings, logger: Logger(label: "apus")).withArchive {
            archive in
            try await ImportFiles.store(files, into: archive, jobs: jobs)
        }
        print(tally.summary)
        if tally.failedCount > 0 { throw ExitCode(1) }
    }
}

/// What happened to the files of one import.
struct ImportTally: Sendable {
    var stored = 0
    var duplicates = 0
    var overwritten = 0
    var bytes = 0
    /// Path and reason of each file not stored.
    var failures: [(path: String, reason: String)] = []

    var failedCount: Int { failures.count }

    mutating func record(_ result: StoreResult, path: String, size: Int) {
        switch result {
        case .stored: stored += 1
        case .duplicateKept: duplicates += 1
        case .overwritten: overwritten += 1
        case .refused(let refusal): failures.append((path, refusal.description))
        }
        bytes += size
    }

    var summary: String {
        var lines = [
            "imported \(stored + overwritten + duplicates + failedCount) files, "
                + String(format: "%.1f MB", Double(bytes) / 1_000_000)
                + ": \(stored) stored, \(duplicates) already stored, \(overwritten) overwritten, \(failedCount) refused"
        ]
        // Refusals grouped by reason, with a few paths each: a folder of 10,000 files with one
        // problem gives one line, not 10,000.
        let grouped = Dictionary(grouping: failures, by: \.reason)
        for (reason, items) in grouped.sorted(by: { $0.value.count > $1.value.count }) {
            lines.append("  refused \(items.count): \(reason)")
            for item in items.prefix(3) { lines.append("    \(item.path)") }
            if items.count > 3 { lines.append("    … and \(items.count - 3) more") }
        }
        return lines.joined(separator: "\n")
    }
}

enum ImportFiles {
    /// Regular files under the given paths, folders walked recursively, in a stable order.
    static func expand(_ paths: [String]) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                printError("apus import: \(path): no such file or folder")
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let walker = FileManager.default.enumerator(atPath: path)
            var found: [String] = []
            while let relative = walker?.nextObject() as? String {
                let full = path + "/" + relative
                var childIsDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &childIsDirectory),
                    !childIsDirectory.boolValue
                {
                    found.append(full)
                }
            }
            files += found.sorted()
        }
        return files
    }

    /// Stores the files with at most `jobs` in flight, with a progress line on a terminal.
    static func store(_ files: [String], into archive: Archive, jobs: Int) async throws -> ImportTally {
        var tally = ImportTally()
        let progress = Progress(total: files.count)
        try await withThrowingTaskGroup(of: (String, Result<(StoreResult, Int), any Error>).self) { group in
            var pending = files[...]
            func startNext() {
                guard let path = pending.popFirst() else { return }
                group.addTask {
                    do {
                        let bytes = try FileBytes.read(path: path)
                        return (path, .success((try await archive.store(part10: bytes), bytes.readableBytes)))
                    } catch {
                        return (path, .failure(error))
                    }
                }
            }
            for _ in 0..<jobs { startNext() }
            while let (path, outcome) = try await group.next() {
                switch outcome {
                case .success(let (result, size)): tally.record(result, path: path, size: size)
                case .failure(let error): tally.failures.append((path, "\(error)"))
                }
                progress.update(done: tally.stored + tally.duplicates + tally.overwritten + tally.failedCount)
                startNext()
            }
        }
        progress.finish()
        return tally
    }
}

/// One line on standard error, rewritten in place, when standard error is a terminal.
struct Progress {
    let total: Int
    let isTerminal = isatty(2) == 1
    let start = ContinuousClock.now

    func update(done: Int) {
        guard isTerminal, done % 25 == 0 || done == total else { return }
        let seconds = max(0.001, Double((ContinuousClock.now - start).components.seconds) + 0.001)
        printErrorInPlace("\(done)/\(total) files, \(Int(Double(done) / seconds)) files/s")
    }

    func finish() {
        if isTerminal { printErrorInPlace("") }
    }

    private func printErrorInPlace(_ text: String) {
        let line = Array(("\r\u{1B}[K" + text).utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
