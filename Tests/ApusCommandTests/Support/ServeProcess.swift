import Foundation

/// `apus serve` as its own process, configured by a JSON file of Apus settings written for it
/// (with a data directory of its own), for the length of a test body. Its ports come from its
/// "listening" log lines; its log stays readable, to check what it said.
final class ServeProcess: Sendable {
    let directory: TemporaryDirectory
    private let child: ChildProcess
    let dicomPort: Int?
    let tlsPort: Int?

    /// The server for `body`'s length, killed and waited for after it however `body` ends
    /// (returns, fails an expectation, throws): the child is in a process group of its own,
    /// which no kill of the test run's group reaches.
    static func withRunning<T>(
        settings: [String: Any], waitForPlain: Bool = true, waitForTLS: Bool = false,
        _ body: (ServeProcess) async throws -> T
    ) async throws -> T {
        let server = try await ServeProcess(settings: settings, waitForPlain: waitForPlain, waitForTLS: waitForTLS)
        do {
            let result = try await body(server)
            await server.child.stop()
            return result
        } catch {
            await server.child.stop()
            throw error
        }
    }

    /// `settings` are the file's keys; ports default to 0 (free ones), the host to 127.0.0.1.
    private init(settings: [String: Any], waitForPlain: Bool, waitForTLS: Bool) async throws {
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
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                await child.stop()
                throw error
            }
        }
        guard (!waitForPlain || plain != nil) && (!waitForTLS || tls != nil) else {
            await child.stop()
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
