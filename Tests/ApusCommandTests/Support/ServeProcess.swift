import Foundation

/// `apus serve` as its own process, configured by a JSON file of Apus settings written for it
/// (with a data directory of its own), until the value goes away. Its ports come from its
/// "listening" log lines; its log stays readable, to check what it said.
final class ServeProcess: Sendable {
    let directory: TemporaryDirectory
    private let child: ChildProcess
    let dicomPort: Int?
    let tlsPort: Int?

    /// `settings` are the file's keys; ports default to 0 (free ones), the host to 127.0.0.1.
    init(settings: [String: Any], waitForPlain: Bool = true, waitForTLS: Bool = false) async throws {
        directory = try TemporaryDirectory()
        var settings = settings
        settings["dataDirectory"] = settings["dataDirectory"] ?? directory.path + "/data"
        settings["dicomHost"] = settings["dicomHost"] ?? "127.0.0.1"
        settings["dicomPort"] = settings["dicomPort"] ?? 0
        settings["httpPort"] = settings["httpPort"] ?? 0
        let file = directory.path + "/apus.json"
        try JSONSerialization.data(withJSONObject: settings).write(to: URL(fileURLWithPath: file))
        child = try ChildProcess(ApusBinary.path, ["serve", "--config", file], missing: "swift build --product apus")
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        var plain: Int?
        var tls: Int?
        while clock.now < deadline {
            let log = child.errors
            plain = Self.port(in: log, before: " aeTitle=")
            tls = Self.port(in: log, before: " [ApusServer] DICOM TLS SCP listening")
            if (!waitForPlain || plain != nil) && (!waitForTLS || tls != nil) { break }
            guard child.isRunning else {
                throw ChildProcess.Failure(description: "apus serve ended at start: \(log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard (!waitForPlain || plain != nil) && (!waitForTLS || tls != nil) else {
            throw ChildProcess.Failure(description: "apus serve did not listen within 60 s: \(child.errors)")
        }
        dicomPort = plain
        tlsPort = tls
    }

    /// Everything logged so far.
    var log: String { child.errors }

    /// The port of `address=…:PORT` right before `marker` in a log line.
    private static func port(in log: String, before marker: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains(marker) {
            guard
                let range = line.range(
                    of: #":\d+"# + NSRegularExpression.escapedPattern(for: marker), options: .regularExpression)
            else { continue }
            return Int(line[range].dropFirst().prefix { $0.isNumber })
        }
        return nil
    }

    /// The archive's data directory (the file blob store is under `files/`).
    var dataDirectory: String { directory.path + "/data" }

    /// How many blobs the file store holds.
    var storedBlobs: Int {
        let root = URL(fileURLWithPath: dataDirectory + "/files/blobs")
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else { return 0 }
        return walker.compactMap { $0 as? URL }.filter {
            (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }.count
    }
}
