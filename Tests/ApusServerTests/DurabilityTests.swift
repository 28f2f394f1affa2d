import Archive
import ArchiveSQLite
import DICOM
import DICOMNetwork
import Foundation
import Logging
import NIOCore
import Synchronization
import Testing

/// Issue 4's durability check: `kill -9` the server in the middle of a store from several
/// associations; after a restart, every instance the peer saw acknowledged is indexed and
/// readable, no index row lacks its file, and sending everything again completes the set.
@Suite("apus serve survives kill -9 during ingest")
struct DurabilityTests {
    static let associations = 4
    static let instancesPerAssociation = 60

    @Test func acknowledgedInstancesSurviveKill9() async throws {
        let directory = try TemporaryDirectory()
        let instances = (0..<Self.associations).map { lane in
            (0..<Self.instancesPerAssociation).map { Self.instance(lane: lane, number: $0) }
        }
        let acknowledged = Acknowledged()

        var server = try ServerProcess(dataDirectory: directory.path)
        // Whichever server runs when the test ends, however it ends.
        defer { server.kill9() }
        let port = try await server.waitForPort()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in instances {
                group.addTask {
                    // Connection resets once the server is killed: the lane just stops.
                    try? await Self.send(lane, port: port) { acknowledged.insert($0) }
                }
            }
            // Kill once a fair part has been acknowledged, while stores are still in flight.
            let total = Self.associations * Self.instancesPerAssociation
            let deadline = ContinuousClock.now + .seconds(120)
            while acknowledged.count < total / 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            server.kill9()
            try await group.waitForAll()
        }
        let seen = acknowledged.all
        // On a busy machine the deadline may come first; any kill mid-ingest tests the same.
        #expect(!seen.isEmpty)
        #expect(
            seen.count < Self.associations * Self.instancesPerAssociation, "the kill came too late to test anything")

        // Restart: the orphan sweep runs, then every acknowledged instance must be there.
        server = try ServerProcess(dataDirectory: directory.path)
        let restartedPort = try await server.waitForPort()
        let indexed = try await Self.indexedAndReadable(dataDirectory: directory.path)
        #expect(
            seen.isSubset(of: indexed.readable), "acknowledged but lost: \(seen.subtracting(indexed.readable).count)")
        #expect(indexed.rows == indexed.readable.count, "index rows without a readable file")

        // Sending everything again completes the set.
        for lane in instances { try await Self.send(lane, port: restartedPort) { _ in } }
        server.terminate()
        let complete = try await Self.indexedAndReadable(dataDirectory: directory.path)
        #expect(complete.readable.count == Self.associations * Self.instancesPerAssociation)
    }

    /// A small CT image of one study per lane.
    static func instance(lane: Int, number: Int) -> (uid: String, bytes: ByteBuffer) {
        var dataSet = DataSet()
        let study = "2.25.4242\(lane)"
        let uid = "\(study).1.\(number)"
        dataSet.set(.sopClassUID, string: UID.ctImageStorage.rawValue)
        dataSet.set(.sopInstanceUID, string: uid)
        dataSet.set(.studyInstanceUID, string: study)
        dataSet.set(.seriesInstanceUID, string: "\(study).1")
        dataSet.set(.patientID, string: "DURABLE-\(lane)")
        dataSet.set(.patientName, string: "Durable^Lane\(lane)")
        dataSet.set(.modality, string: "CT")
        dataSet.set(.instanceNumber, string: String(number))
        dataSet.set(.rows, integers: [64])
        dataSet.set(.columns, integers: [64])
        dataSet.set(.bitsAllocated, integers: [16])
        dataSet.set(.pixelData, vr: .OW, bytes: ByteBuffer(repeating: UInt8(number % 256), count: 64 * 64 * 2))
        // Encoding a small data set of known, valid values cannot fail.
        return (uid, (try? dataSet.encoded(in: .explicitVRLittleEndian)) ?? ByteBuffer())
    }

    static func send(
        _ lane: [(uid: String, bytes: ByteBuffer)], port: Int, acknowledged: @Sendable (String) -> Void
    ) async throws {
        let association = try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "DURABLE", calledAETitle: "APUS",
            presentationContexts: [ProposedPresentationContext(abstractSyntax: .ctImageStorage)])
        for instance in lane {
            let status = try await association.store(
                dataSet: instance.bytes, sopClass: .ctImageStorage, sopInstance: UID(unchecked: instance.uid),
                transferSyntax: .explicitVRLittleEndian)
            if status.isSuccess { acknowledged(instance.uid) }
        }
        try await association.release()
    }

    /// The index's rows, and which of them have a file that reads as the instance it names.
    static func indexedAndReadable(dataDirectory: String) async throws -> (rows: Int, readable: Set<String>) {
        let index = try await SQLiteIndexStore.open(path: dataDirectory + "/index.sqlite")
        let archive = Archive(index: index, blobs: try await FileBlobStore(root: dataDirectory + "/files"))
        var rows = 0
        var readable: Set<String> = []
        for try await instance in archive.instances(matching: ArchiveQuery(model: .studyRoot, level: .image)) {
            rows += 1
            var bytes = ByteBuffer()
            for try await chunk in try await archive.content(of: instance) { bytes.writeImmutableBuffer(chunk) }
            if let file = try? DICOMFile(reading: bytes),
                file.dataSet.string(.sopInstanceUID) == instance.sopInstanceUID
            {
                readable.insert(instance.sopInstanceUID)
            }
        }
        try await index.close()
        return (rows, readable)
    }
}

/// The SOP instances the server acknowledged, from several lanes at once.
final class Acknowledged: Sendable {
    private let uids = Mutex<Set<String>>([])

    func insert(_ uid: String) { uids.withLock { _ = $0.insert(uid) } }
    var count: Int { uids.withLock { $0.count } }
    var all: Set<String> { uids.withLock { $0 } }
}

/// The real `apus serve` binary in a child process, so that it can be killed with SIGKILL.
struct ServerProcess {
    let process = Process()
    let output = Pipe()

    /// `arguments` and `environment` come on top of the port and data directory options.
    init(dataDirectory: String, arguments: [String] = [], environment extra: [String: String] = [:]) throws {
        let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/apus").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Tools.ToolMissing(path: "\(binary) (swift build builds it)")
        }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--dicom-port", "0", "--http-port", "0", "--data", dataDirectory] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["APUS_DICOM_HOST"] = "127.0.0.1"
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardError = output
        process.standardOutput = output
        try process.run()
    }

    /// The port from the "DICOM SCP listening" log line.
    func waitForPort() async throws -> Int {
        try await waitForPorts().dicom
    }

    /// The DICOM and HTTP ports from the "DICOM SCP listening" and "HTTP listening" log lines.
    func waitForPorts() async throws -> (dicom: Int, http: Int) {
        var text = ""
        let handle = output.fileHandleForReading
        let deadline = ContinuousClock.now + .seconds(30)
        func port(after pattern: String) -> Int? {
            guard let range = text.range(of: pattern, options: .regularExpression) else { return nil }
            return Int(text[range].drop { !$0.isNumber }.prefix { $0.isNumber })
        }
        while ContinuousClock.now < deadline {
            let data = handle.availableData
            if data.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            text += String(decoding: data, as: UTF8.self)
            if let dicom = port(after: #":\d+ aeTitle="#),
                let http = port(after: #"port=\d+ \[ApusServer\] HTTP listening"#)
            {
                return (dicom, http)
            }
            if !process.isRunning { break }
        }
        throw Tools.ToolMissing(path: "a listening apus serve (output: \(text))")
    }

    /// The exit status and everything printed, once the process has ended by itself.
    func waitForExit() -> (status: Int32, output: String) {
        process.waitUntilExit()
        return (
            process.terminationStatus,
            String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        )
    }

    /// `waitForExit` for a process expected to end by itself, without blocking a thread on it:
    /// a nil status when it still runs after `timeout` (`withRunning` then kills it).
    func ended(within timeout: Duration = .seconds(60)) async -> (status: Int32?, output: String) {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard !process.isRunning else { return (nil, "(still running after \(timeout))") }
        return waitForExit()
    }

    mutating func kill9() {
        // Once reaped, the pid may belong to another process.
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The server for `body`'s length, killed and waited for after it however `body` ends
    /// (returns, fails an expectation, throws): the child is in a process group of its own,
    /// which no kill of the test run's group reaches.
    static func withRunning<T>(
        dataDirectory: String, arguments: [String] = [], environment: [String: String] = [:],
        _ body: (ServerProcess) async throws -> T
    ) async throws -> T {
        var server = try ServerProcess(dataDirectory: dataDirectory, arguments: arguments, environment: environment)
        do {
            let result = try await body(server)
            server.kill9()
            return result
        } catch {
            server.kill9()
            throw error
        }
    }

    func terminate() {
        process.terminate()
        process.waitUntilExit()
    }
}
