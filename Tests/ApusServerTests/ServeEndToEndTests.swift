import Archive
import DICOM
import DICOMNetwork
import Foundation
import Logging
import NIOCore
import Testing

@testable import ApusServer

/// `apus serve`'s wiring, end to end: DCMTK's storescu and findscu and Apus's own SCU against
/// the server on a free port, over SQLite and files in a temporary directory.
@Suite("apus serve: DIMSE over the archive")
struct ServeEndToEndTests {
    static let corpus = ["CT_small.dcm", "MR_small.dcm", "rtplan.dcm"]
    /// storescu proposes uncompressed syntaxes only: the compressed file goes by Apus's SCU,
    /// which proposes the file's own syntax.
    static let compressed = "JPEG2000.dcm"

    @Test func storeWithStorescuThenFindAndRestart() async throws {
        let directory = try TemporaryDirectory()
        let uncompressed = try Self.corpus.map(Pydicom.corpusFile)
        let files = uncompressed + [try Pydicom.corpusFile(Self.compressed)]
        try await Server.withRunning(dataDirectory: directory.path) { port in
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "TEST", calledAETitle: "APUS",
                presentationContexts: [
                    ProposedPresentationContext(
                        abstractSyntax: .secondaryCaptureImageStorage, transferSyntaxes: [.jpeg2000])
                ])
            #expect(try await association.store(try DICOMFile(contentsOf: files[3])) == .success)
            try await association.release()
            let store = try await Tools.runDetached(
                "/usr/bin/storescu", ["-aec", "APUS", "127.0.0.1", String(port)] + uncompressed)
            #expect(store.status == 0, "storescu: \(store.output)")
            let matches = try await Server.findStudies(port: port)
            let expected = try Set(files.map { try DICOMFile(contentsOf: $0).dataSet.string(.studyInstanceUID) ?? "" })
            #expect(Set(matches.compactMap { $0.string(.studyInstanceUID) }) == expected)
            let ct = try #require(
                matches.first { $0.string(.modalitiesInStudy) == "CT" && $0.int(.numberOfStudyRelatedInstances) == 1 })
            #expect(ct.personName(.patientName)?.alphabetic.familyName == "CompressedSamples")
        }
        // What was acknowledged survives a restart.
        try await Server.withRunning(dataDirectory: directory.path) { port in
            #expect(try await Server.findStudies(port: port).count == files.count)
            let find = try await Tools.runDetached(
                "/usr/bin/findscu",
                [
                    "-S", "-aec", "APUS", "-k", "QueryRetrieveLevel=STUDY", "-k", "PatientName=Compressed*", "-k",
                    "StudyInstanceUID", "127.0.0.1", String(port),
                ])
            #expect(find.status == 0, "findscu: \(find.output)")
            let expected = try files.filter {
                try DICOMFile(contentsOf: $0).dataSet.string(.patientName)?.hasPrefix("Compressed") == true
            }
            #expect(expected.count == 3)
            #expect(find.output.components(separatedBy: "(Pending)").count - 1 == expected.count, "\(find.output)")
        }
    }

    @Test func refusedInstancesGetAFailureStatusAndNothingIsStored() async throws {
        let directory = try TemporaryDirectory()
        try await Server.withRunning(dataDirectory: directory.path) { port in
            var dataSet = DataSet()
            dataSet.set(.sopClassUID, string: UID.ctImageStorage.rawValue)
            dataSet.set(.sopInstanceUID, string: "2.25.99")
            dataSet.set(.patientID, string: "P1")
            // No Study Instance UID: the archive must refuse it.
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "TEST", calledAETitle: "APUS",
                presentationContexts: [ProposedPresentationContext(abstractSyntax: .ctImageStorage)])
            let status = try await association.store(
                dataSet: try dataSet.encoded(in: .explicitVRLittleEndian), sopClass: .ctImageStorage,
                sopInstance: UID(unchecked: "2.25.99"), transferSyntax: .explicitVRLittleEndian)
            try await association.release()
            #expect(status == .dataSetDoesNotMatchSOPClass)
            #expect(try await Server.findStudies(port: port).isEmpty)
        }
    }

    @Test func configurationComesFromFileThenEnvironment() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/apus.json"
        try #"{"aeTitle": "FROMFILE", "dicomPort": 1104, "allowedCallingAETitles": ["A", "B"]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let configuration = try ServerConfiguration.load(
            file: file, environment: ["APUS_DICOM_PORT": "2104", "APUS_DUPLICATE_POLICY": "overwrite"])
        #expect(configuration.aeTitle == "FROMFILE")
        #expect(configuration.dicomPort == 2104)
        #expect(configuration.duplicatePolicy == .overwrite)
        #expect(configuration.allowedCallingAETitles == ["A", "B"])
        #expect(configuration.resolvedDatabasePath == "./apus-data/index.sqlite")
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(file: nil, environment: ["APUS_DICOM_PORT": "70000"])
        }
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(file: nil, environment: ["APUS_AE_TITLE": "MUCH_TOO_LONG_AE_TITLE"])
        }
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(file: directory.path + "/missing.json", environment: [:])
        }
    }
}

/// Runs the server in a child task for the length of a test body.
enum Server {
    /// The listener whose port the body gets.
    enum Listener {
        case dicom
        case http
    }

    static func withRunning(
        dataDirectory: String, peers: [String: ServerConfiguration.Peer] = [:], listener: Listener = .dicom,
        configure: (inout ServerConfiguration) throws -> Void = { _ in }, _ body: (Int) async throws -> Void
    ) async throws {
        var configuration = ServerConfiguration()
        configuration.dataDirectory = dataDirectory
        configuration.peers = peers
        configuration.dicomHost = "127.0.0.1"
        configuration.dicomPort = 0
        configuration.httpPort = 0
        try configure(&configuration)
        let server = ApusServer(configuration: configuration, logger: Logger(label: "test"))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                switch listener {
                case .dicom: try await server.run(onListening: { continuation.yield($0) })
                case .http: try await server.run(onHTTPListening: { continuation.yield($0) })
                }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                try await body(port)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    static func findStudies(port: Int) async throws -> [DataSet] {
        let association = try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "TEST", calledAETitle: "APUS",
            presentationContexts: [
                ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelFind)
            ])
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, string: "STUDY")
        for tag: DICOM.Tag in [.studyInstanceUID, .patientName, .modalitiesInStudy, .numberOfStudyRelatedInstances] {
            identifier.insert(DataElement(tag: tag, vr: DataDictionary.entry(for: tag)?.vr ?? .UN, bytes: ByteBuffer()))
        }
        var matches: [DataSet] = []
        for try await match in association.find(identifier) { matches.append(match) }
        try await association.release()
        return matches
    }
}

/// DCMTK's tools, by full path: pynetdicom installs scripts of the same names earlier on PATH.
enum Tools {
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ToolMissing(path: executable)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// `run` on a thread of its own: waiting for a tool must not hold one of the few threads
    /// the server under test runs on.
    static func runDetached(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String)
    {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try run(executable, arguments) }) }
        }
    }

    struct ToolMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is missing: run ./scripts/test, which installs DCMTK" }
    }
}

/// pydicom's test corpus, which `scripts/test` installs.
enum Pydicom {
    static func corpusFile(_ name: String) throws -> String {
        let result = try Tools.run(
            "/usr/bin/env", ["python3", "-c", "import pydicom.data as d; print(d.get_testdata_file('\(name)'))"])
        let path = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, FileManager.default.fileExists(atPath: path) else {
            throw Tools.ToolMissing(path: "pydicom test file \(name) (\(result.output))")
        }
        return path
    }
}

/// A directory removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "apus-serve-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
