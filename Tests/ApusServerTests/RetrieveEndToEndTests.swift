import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import ApusServer
@testable import Archive

/// C-GET and C-MOVE from `apus serve`: DCMTK's getscu and movescu (to a storescp peer), and
/// Apus's own SCU. What comes back must be, data set byte for byte, what was stored.
@Suite("apus serve: C-GET and C-MOVE")
struct RetrieveEndToEndTests {
    static let corpus = ServeEndToEndTests.corpus

    @Test func getscuRetrievesEachStudyByteIdentical() async throws {
        let directory = try TemporaryDirectory()
        let files = try Self.corpus.map(Pydicom.corpusFile)
        let output = directory.path + "/got"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try await Server.withRunning(dataDirectory: directory.path + "/data") { port in
            try await Self.storeWithStorescu(files, port: port)
            for file in files {
                let study = try #require(try DICOMFile(contentsOf: file).dataSet.string(.studyInstanceUID))
                let get = try await Tools.runDetached(
                    "/usr/bin/getscu",
                    [
                        "-S", "-aec", "APUS", "-od", output, "-k", "QueryRetrieveLevel=STUDY", "-k",
                        "StudyInstanceUID=\(study)", "127.0.0.1", String(port),
                    ])
                #expect(get.status == 0, "getscu: \(get.output)")
            }
        }
        try Self.expectSameDataSets(files, in: output, stored: directory.path + "/data")
    }

    @Test func movescuSendsToAConfiguredStorescpAndUnknownDestinationsFail() async throws {
        let directory = try TemporaryDirectory()
        let files = try Self.corpus.map(Pydicom.corpusFile)
        let output = directory.path + "/moved"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let storescpPort = try FreePort.find()
        let storescp = try Tools.start("/usr/bin/storescp", ["-aet", "STORESCP", "-od", output, String(storescpPort)])
        defer { Tools.stop(storescp) }
        try await Server.withRunning(
            dataDirectory: directory.path + "/data",
            peers: [
                "STORESCP": ServerConfiguration.Peer(host: "127.0.0.1", port: storescpPort),
                // Nobody listens there: every sub-operation fails.
                "DOWN": ServerConfiguration.Peer(host: "127.0.0.1", port: try FreePort.find()),
            ]
        ) { port in
            try await Self.storeWithStorescu(files, port: port)
            let move = try await Tools.runDetached(
                "/usr/bin/movescu",
                [
                    "-P", "-aec", "APUS", "-aem", "STORESCP", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=*",
                    "127.0.0.1", String(port),
                ])
            #expect(move.status == 0, "movescu: \(move.output)")
            let refused = try await Tools.runDetached(
                "/usr/bin/movescu",
                [
                    "-v", "-S", "-aec", "APUS", "-aem", "NOWHERE", "-k", "QueryRetrieveLevel=STUDY", "-k",
                    "StudyInstanceUID", "127.0.0.1", String(port),
                ])
            #expect(refused.output.contains("Refused: MoveDestinationUnknown"), "movescu: \(refused.output)")

            let association = try await Self.connect(port: port, models: [.studyRootQueryRetrieveInformationModelMove])
            let unknown = try await association.move(Self.studyLevel(), destination: "NOWHERE")
            #expect(unknown.status == .moveDestinationUnknown)
            let down = try await association.move(Self.studyLevel(), destination: "DOWN")
            #expect(down.status == .outOfResourcesUnableToPerformSubOperations)
            #expect(down.subOperations.failed == UInt16(files.count))
            #expect(down.failedSOPInstanceUIDs.count == files.count)
            let moved = try await association.move(Self.studyLevel(), destination: "STORESCP")
            try await association.release()
            #expect(moved.status == .success)
            #expect(moved.subOperations.completed == UInt16(files.count))
        }
        try Self.expectSameDataSets(files, in: output, stored: directory.path + "/data")
    }

    @Test func getWithApusSCU() async throws {
        let directory = try TemporaryDirectory()
        let files = try Self.corpus.map(Pydicom.corpusFile)
        try await Server.withRunning(dataDirectory: directory.path) { port in
            try await Self.storeWithStorescu(files, port: port)
            let (association, received, result) = try await Self.getEveryStudy(of: files, port: port)
            #expect(result.status == .success)
            #expect(result.subOperations.completed == UInt16(files.count))
            #expect(result.subOperations.failed == 0)

            var nothing = Self.studyLevel()
            nothing.set(.studyInstanceUID, string: "2.25.1")
            let none = try await association.get(nothing) { _ in .success }
            #expect(none.status == .success)
            #expect(none.subOperations.completed ?? 0 == 0)
            try await association.release()

            let got = received
            #expect(got.count == files.count)
            let stored = try Self.storedDataSets(under: directory.path)
            #expect(stored.count == files.count)
            for (uid, bytes) in stored {
                #expect(got[uid].map { Array($0.readableBytesView) } == bytes, "\(uid) differs from what was stored")
            }
        }
    }

    /// pynetdicom cancels while answering the first C-STORE: the rest is not sent, and the
    /// final response says so (FE00, with the remaining count).
    @Test func cancelStopsAGetBetweenInstances() async throws {
        let directory = try TemporaryDirectory()
        let files = try Self.corpus.map(Pydicom.corpusFile)
        try await Server.withRunning(dataDirectory: directory.path) { port in
            try await Self.storeWithStorescu(files, port: port)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Peers/pynetdicom_get_cancel.py").path
            let get = try await Tools.runDetached("/usr/bin/env", ["python3", script, String(port)])
            #expect(get.status == 0, "\(get.output)")
            let final = get.output.split(separator: "\n").last.map(String.init) ?? ""
            #expect(final == "FE00 1 \(files.count - 1) 0", "\(get.output)")
        }
    }

    @Test func peersComeFromFileThenEnvironment() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/apus.json"
        try #"{"peers": {"STORESCP": {"host": "127.0.0.1", "port": 11112}, "PACS": {"host": "pacs", "port": 104}}}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try ServerConfiguration.load(file: file, environment: [:])
        #expect(
            fromFile.peers == [
                "STORESCP": .init(host: "127.0.0.1", port: 11112), "PACS": .init(host: "pacs", port: 104),
            ])
        let fromEnvironment = try ServerConfiguration.load(
            file: file, environment: ["APUS_PEERS": "WS1@10.0.0.5:11112, WS2@ws2.example:4242"])
        #expect(
            fromEnvironment.peers == [
                "WS1": .init(host: "10.0.0.5", port: 11112), "WS2": .init(host: "ws2.example", port: 4242),
            ])
        for bad in ["WS1@host", "host:104", "@host:104", "WS1@host:0", "MUCH_TOO_LONG_AE_TITLE@h:1"] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try ServerConfiguration.load(file: nil, environment: ["APUS_PEERS": bad])
            }
        }
    }

    // MARK: Helpers

    /// C-GET at study level with Apus's SCU, one presentation context per SOP class and
    /// transfer syntax, so that each instance comes back in the syntax it was stored in. The
    /// association stays open for more.
    static func getEveryStudy(of files: [String], port: Int) async throws -> (
        ClientAssociation, [String: ByteBuffer], RetrieveResult
    ) {
        let sopClasses = try Set(
            files.map { try #require(try DICOMFile(contentsOf: $0).dataSet.uid(.sopClassUID)) }
        )
        .sorted { $0.rawValue < $1.rawValue }
        let storage = sopClasses.flatMap { sopClass in
            [UID.explicitVRLittleEndian, .implicitVRLittleEndian].map {
                ProposedPresentationContext(abstractSyntax: sopClass, transferSyntaxes: [$0])
            }
        }
        let association = try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "TEST", calledAETitle: "APUS",
            presentationContexts: [
                ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelGet)
            ]
                + storage,
            roleSelections: sopClasses.map {
                UserInformation.RoleSelection(sopClassUID: $0, scuRole: false, scpRole: true)
            })
        let received = Mutex<[String: ByteBuffer]>([:])
        let result = try await association.get(Self.studyLevel()) { instance in
            received.withLock { $0[instance.request.affectedSOPInstanceUID.rawValue] = instance.dataSet }
            return .success
        }
        return (association, received.withLock { $0 }, result)
    }

    static func storeWithStorescu(_ files: [String], port: Int) async throws {
        let store = try await Tools.runDetached(
            "/usr/bin/storescu", ["-aec", "APUS", "127.0.0.1", String(port)] + files)
        #expect(store.status == 0, "storescu: \(store.output)")
    }

    static func studyLevel() -> DataSet {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, string: "STUDY")
        identifier.insert(DataElement(tag: .studyInstanceUID, vr: .UI, bytes: ByteBuffer()))
        return identifier
    }

    static func connect(port: Int, models: [UID]) async throws -> ClientAssociation {
        try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "TEST", calledAETitle: "APUS",
            presentationContexts: models.map { ProposedPresentationContext(abstractSyntax: $0) })
    }

    /// What came back into `directory` is what the archive stored under `dataDirectory`
    /// (storescu may have changed the encoding on the way in; DCMTK rewrites the files it
    /// receives, so data sets are compared decoded), and decodes to the originals' data sets
    /// (an instance sent twice may be written twice).
    static func expectSameDataSets(_ originals: [String], in directory: String, stored dataDirectory: String) throws {
        let written = try FileManager.default.contentsOfDirectory(atPath: directory).map { directory + "/" + $0 }
        let received = try written.map { try DICOMFile(contentsOf: $0).dataSet }
        let stored = try regularFiles(under: dataDirectory + "/files").map { try DICOMFile(contentsOf: $0).dataSet }
        #expect(stored.count == originals.count)
        #expect(Set(written.map { try? dataSetBytes(of: $0) }).count == originals.count, "\(written)")
        for dataSet in stored {
            #expect(received.contains(dataSet), "\(dataSet.string(.sopInstanceUID) ?? "?") did not come back")
        }
    }

    /// The data set bytes of each stored blob, by SOP Instance UID.
    static func storedDataSets(under dataDirectory: String) throws -> [String: [UInt8]] {
        var stored: [String: [UInt8]] = [:]
        for path in try regularFiles(under: dataDirectory + "/files") {
            let uid = try DICOMFile(contentsOf: path).dataSet.string(.sopInstanceUID) ?? ""
            stored[uid] = try dataSetBytes(of: path)
        }
        return stored
    }

    static func regularFiles(under root: String) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(root + "/" + path)
            }
        }
        return files
    }

    static func dataSetBytes(of path: String) throws -> [UInt8] {
        dataSetBytes(in: try FileBytes.read(path: path), name: path)
    }

    /// The data set of a Part 10 file's bytes (after the preamble and file meta information).
    static func dataSetBytes(in bytes: ByteBuffer, name: String) -> [UInt8] {
        guard case .dataSet(let offset) = Archive.dataSetOffset(inPart10: bytes) else {
            Issue.record("\(name) is not Part 10")
            return []
        }
        return bytes.getBytes(at: bytes.readerIndex + offset, length: bytes.readableBytes - offset) ?? []
    }
}

/// A TCP port nobody listens on right now, for a peer we start.
enum FreePort {
    static func find() throws -> Int {
        let probe = try Tools.run(
            "/usr/bin/env",
            ["python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        guard probe.status == 0, let port = Int(probe.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Tools.ToolMissing(path: "python3 (to find a free port): \(probe.output)")
        }
        return port
    }
}

extension Tools {
    /// Ends a peer `start` started, and waits for it. With SIGKILL: the child inherits the test
    /// process's blocked signals, SIGTERM among them, so `terminate()` never reaches it and
    /// storescp outlived the run.
    static func stop(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Starts a peer in the background; the caller ends it with `stop`.
    static func start(_ executable: String, _ arguments: [String]) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw ToolMissing(path: executable) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // storescp listens within milliseconds; give it a moment before the first move.
        Thread.sleep(forTimeInterval: 0.3)
        return process
    }
}
