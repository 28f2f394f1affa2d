import Archive
import ArchiveSQLite
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import Testing

/// `/changes` (Orthanc's shape) and `/changes/stream` (Server-Sent Events) over the index's
/// change table.
@Suite struct ChangesTests {
    static let patient = PatientIdentity(patientID: "P1")
    static let first = GeneratedInstance()
    static let second = GeneratedInstance(
        series: "1.2.826.0.1.3680043.10.1.1.2", sop: "1.2.826.0.1.3680043.10.1.1.2.1")

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test func pagesInOrthancsShapeWithResourceIDs() async throws {
        try await withDICOMweb { archive, client in
            try await Self.first.store(in: archive)
            try await Self.second.store(in: archive)
            let page = try Self.object(try await client.get("/changes?limit=3"))
            let changes = try #require(page["Changes"] as? [[String: Any]])
            #expect(changes.map { $0["ChangeType"] as? String } == ["NewPatient", "NewStudy", "NewSeries"])
            #expect(changes.map { $0["ResourceType"] as? String } == ["Patient", "Study", "Series"])
            #expect(changes.map { $0["Seq"] as? Int } == [1, 2, 3])
            #expect(page["Done"] as? Bool == false)
            #expect(page["Last"] as? Int == 3)
            let patientID = ResourceID.patient(Self.patient).description
            #expect(changes[0]["ID"] as? String == patientID)
            #expect(changes[0]["Path"] as? String == "/patients/\(patientID)")
            let studyID = ResourceID.study(patient: Self.patient, studyInstanceUID: Self.first.study).description
            #expect(changes[1]["Path"] as? String == "/studies/\(studyID)")
            let date = try #require(changes[0]["Date"] as? String)
            #expect(date.wholeMatch(of: /\d{8}T\d{6}/) != nil, "Date: \(date)")

            let rest = try Self.object(try await client.get("/changes?since=3"))
            let later = try #require(rest["Changes"] as? [[String: Any]])
            #expect(later.map { $0["ChangeType"] as? String } == ["NewInstance", "NewSeries", "NewInstance"])
            let instanceID = ResourceID.instance(
                patient: Self.patient, studyInstanceUID: Self.second.study, seriesInstanceUID: Self.second.series,
                sopInstanceUID: Self.second.sop)
            #expect(later.last?["Path"] as? String == "/instances/\(instanceID)")
            #expect(rest["Done"] as? Bool == true)
            #expect(rest["Last"] as? Int == 6)

            let empty = try Self.object(try await client.get("/changes?since=6"))
            #expect((empty["Changes"] as? [Any])?.isEmpty == true)
            #expect(empty["Last"] as? Int == 6)

            let last = try Self.object(try await client.get("/changes?last"))
            #expect(last["Last"] as? Int == 6)
            #expect((last["Changes"] as? [[String: Any]])?.first?["Seq"] as? Int == 6)

            _ = try await archive.delete(.series(Self.second.series))
            let deleted = try Self.object(try await client.get("/changes?since=6"))
            let removals = try #require(deleted["Changes"] as? [[String: Any]])
            #expect(removals.map { $0["ChangeType"] as? String } == ["Deleted", "Deleted"])
            #expect(removals.last?["ResourceType"] as? String == "Series")
            #expect(removals.first?["ID"] as? String == instanceID.description)

            for bad in ["/changes?since=-1", "/changes?since=x", "/changes?limit=0", "/changes/stream?since=abc"] {
                let response = try await client.get(bad)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.text.contains("since") || response.text.contains("limit"), "\(bad): \(response.text)")
            }
        }
    }

    /// Two replicas on one index (two SQLite connections to one file, as two processes would
    /// have): the stream read from one carries what the other stores, and resumes after the
    /// `Last-Event-ID` it is given.
    @Test func streamCarriesWhatAnotherReplicaStoresAndResumes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "apus-changes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let logger = Logger(label: "test")
        let writerIndex = try await SQLiteIndexStore.open(path: directory.path + "/index.sqlite", logger: logger)
        let readerIndex = try await SQLiteIndexStore.open(path: directory.path + "/index.sqlite", logger: logger)
        do {
            try await Self.streamAcrossReplicas(
                writerIndex: writerIndex, readerIndex: readerIndex, directory: directory)
        } catch {
            try? await writerIndex.close()
            try? await readerIndex.close()
            throw error
        }
        try await writerIndex.close()
        try await readerIndex.close()
    }

    static func streamAcrossReplicas(writerIndex: any IndexStore, readerIndex: any IndexStore, directory: URL)
        async throws
    {
        let logger = Logger(label: "test")
        let blobs = try await FileBlobStore(root: directory.path + "/files")
        let writer = Archive(index: writerIndex, blobs: blobs, logger: logger)
        let reader = Archive(index: readerIndex, blobs: blobs, logger: logger)
        var configuration = HTTPAPI.Configuration()
        configuration.changePollInterval = .milliseconds(100)
        let api = HTTPAPI(archive: reader, configuration: configuration, logger: logger)
        try await Application(router: api.router()).test(.live) { client in
            let url = "http://127.0.0.1:\(try #require(client.port))/changes/stream"
            async let read = PythonPeer.run("sse_changes.py", [url, "6", "30"], timeout: 60)
            try await Task.sleep(for: .milliseconds(800))
            try await Self.first.store(in: writer)
            try await Self.second.store(in: writer)
            let report = try Self.report(try await read)
            #expect(report.contentType?.hasPrefix("text/event-stream") == true)
            #expect(report.events.map(\.id) == ["1", "2", "3", "4", "5", "6"])
            #expect(report.events.allSatisfy { $0.event == "change" })
            #expect(
                report.events.map(\.changeType)
                    == ["NewPatient", "NewStudy", "NewSeries", "NewInstance", "NewSeries", "NewInstance"])

            let resumed = try Self.report(try await PythonPeer.run("sse_changes.py", [url, "2", "20", "4"]))
            #expect(resumed.events.map(\.id) == ["5", "6"])
            let since = try Self.report(try await PythonPeer.run("sse_changes.py", [url + "?since=5", "1", "20"]))
            #expect(since.events.map(\.id) == ["6"])
        }
    }

    /// A graceful shutdown (SIGTERM in `apus serve`) ends open streams, so that it doesn't
    /// wait for clients that never leave.
    @Test func streamEndsOnGracefulShutdown() async throws {
        try await withTemporaryArchive { archive in
            var configuration = HTTPAPI.Configuration(host: "127.0.0.1", port: 0)
            configuration.changePollInterval = .milliseconds(100)
            let api = HTTPAPI(archive: archive, configuration: configuration, logger: Logger(label: "test"))
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [api.application(onListening: { continuation.yield($0) })], logger: Logger(label: "test"))
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                try await Self.first.store(in: archive)
                let url = "http://127.0.0.1:\(port)/changes/stream"
                async let read = PythonPeer.run("sse_changes.py", [url, "4", "30", "0", "until-end"], timeout: 60)
                // The client reads the four events of the stored instance before the shutdown.
                try await Task.sleep(for: .seconds(4))
                let start = ContinuousClock.now
                await group.triggerGracefulShutdown()
                try await tasks.next()
                let stopped = ContinuousClock.now - start
                let report = try Self.report(try await read)
                #expect(report.events.count == 4)
                #expect(report.ended, "the stream did not end")
                #expect(stopped < .seconds(5), "shutdown took \(stopped)")
            }
        }
    }

    struct Report {
        struct Event {
            var id: String?
            var event: String?
            var changeType: String?
        }

        var contentType: String?
        var events: [Event]
        var ended: Bool
    }

    static func report(_ result: PythonPeer.Result) throws -> Report {
        let line = result.output.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw PeerMissing(description: "sse_changes.py printed no report: \(result)")
        }
        let events = (object["events"] as? [[String: Any]] ?? []).map {
            Report.Event(
                id: $0["id"] as? String, event: $0["event"] as? String,
                changeType: ($0["data"] as? [String: Any])?["ChangeType"] as? String)
        }
        return Report(
            contentType: object["contentType"] as? String, events: events, ended: object["ended"] as? Bool ?? false)
    }
}
