import DICOM
import Foundation
import NIOCore
import Testing

@testable import apus

/// The `apus` binary against the Apus server in this process: store pydicom's files, then
/// find them at every level, the expectations read from the files themselves.
@Suite("apus echo, store and find → the Apus server")
struct ApusServerPeerTests {
    static let corpus = ["CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "rtdose.dcm", "JPEG2000.dcm"]

    @Test func storeThenFindAtEveryLevel() async throws {
        let paths = try Self.corpus.map(Corpus.file)
        let files = try paths.map { try DICOMFile(contentsOf: $0).dataSet }
        try await TestServer.withRunning { port in
            let peer = ["127.0.0.1", String(port), "--aec", "APUS"]
            let echo = try await ApusBinary.run(["echo"] + peer)
            #expect(echo.status == 0, "\(echo.errors)")
            let store = try await ApusBinary.run(["store"] + peer + ["--json"] + paths)
            #expect(store.status == 0, "\(store.errors)")
            #expect(try StoreSummary(store.output).sent == paths.count)

            // Studies of the patients whose name starts with "Compressed", Study Root.
            let studies = try await Self.find(peer + ["-k", "PatientName=Compressed*", "-k", "StudyInstanceUID"])
            let compressed = files.filter { $0.string(.patientName)?.hasPrefix("Compressed") == true }
            #expect(compressed.count == 3)
            #expect(
                Set(studies.compactMap { $0.string(.studyInstanceUID) })
                    == Set(compressed.compactMap { $0.string(.studyInstanceUID) }))
            #expect(studies.allSatisfy { $0.string(.queryRetrieveLevel) == "STUDY" })

            // Every patient, Patient Root.
            let patients = try await Self.find(peer + ["-P", "-L", "PATIENT", "-k", "PatientID", "-k", "PatientName"])
            #expect(
                patients.compactMap { $0.string(.patientID) }.sorted()
                    == Set(files.compactMap { $0.string(.patientID) }).sorted())

            // The series of the CT study, by tag rather than keyword.
            let ct = try #require(files.first { $0.string(.modality) == "CT" })
            let series = try await Self.find(
                peer + [
                    "-L", "SERIES", "-k", "0020,000D=\(ct.string(.studyInstanceUID) ?? "")", "-k", "SeriesInstanceUID",
                    "-k", "Modality",
                ])
            #expect(series.map { $0.string(.seriesInstanceUID) } == [ct.string(.seriesInstanceUID)])
            #expect(series.first?.string(.modality) == "CT")

            // Instances of the MR series, printed like findscu's dump.
            let mr = try #require(files.first { $0.string(.modality) == "MR" })
            let images = try await ApusBinary.run(
                ["find"] + peer + [
                    "-L", "IMAGE", "-k", "StudyInstanceUID=\(mr.string(.studyInstanceUID) ?? "")",
                    "-k", "SeriesInstanceUID=\(mr.string(.seriesInstanceUID) ?? "")", "-k", "SOPInstanceUID",
                ])
            #expect(images.status == 0, "\(images.errors)")
            #expect(images.output.hasPrefix("# Match 1\n"))
            #expect(images.output.components(separatedBy: "# Match ").count == 2)
            #expect(images.output.contains("(0008,0018) UI [\(mr.string(.sopInstanceUID) ?? "")]"))
            #expect(images.errors.contains("1 match"))
        }
    }

    static func find(_ arguments: [String]) async throws -> [DataSet] {
        let result = try await ApusBinary.run(["find", "--json"] + arguments)
        #expect(result.status == 0, "\(result.errors)")
        return try DICOMJSONDecoder().decodeArray(ByteBuffer(string: result.output))
    }

    @Test func refusedInstanceWrongAETitleAndNoPeerHaveTheirExitCodes() async throws {
        let directory = try TemporaryDirectory()
        let refused = directory.path + "/refused.dcm"
        try Part10Bytes.writeInstanceWithoutStudy(to: refused)
        let good = try Corpus.file("CT_small.dcm")
        let other = try Corpus.file("MR_small.dcm")
        // Its meta information whole, its data set cut: planned, then not readable.
        let truncated = directory.path + "/truncated.dcm"
        try Data(try Data(contentsOf: URL(fileURLWithPath: good)).prefix(3000)).write(
            to: URL(fileURLWithPath: truncated))
        try await TestServer.withRunning { port in
            let wrong = try await ApusBinary.run(["echo", "127.0.0.1", String(port)])
            #expect(wrong.status == ExitStatus.rejected.rawValue)
            #expect(
                wrong.errors.contains(
                    "called AE title \"ANY-SCP\" not recognized (give the peer's AE title with --aec)"))

            let store = try await ApusBinary.run(
                ["store", "127.0.0.1", String(port), "--aec", "APUS", refused, good, truncated])
            #expect(store.status == ExitStatus.operationFailed.rawValue, "\(store.errors)")
            #expect(store.output.contains("Sent 1 of 3 files"))
            #expect(store.output.contains("Failed: 2\n  \(refused): 0xA900 failure ("), "\(store.output)")
            #expect(store.output.contains("\n  \(truncated): cannot be read: "), "\(store.output)")

            // The same through an asynchronous operations window: the files go out together,
            // and each still gets its own outcome.
            let windowed = try await ApusBinary.run(
                ["store", "127.0.0.1", String(port), "--aec", "APUS", "--window", "4", refused, other, truncated])
            #expect(windowed.status == ExitStatus.operationFailed.rawValue, "\(windowed.errors)")
            #expect(windowed.output.contains("Sent 1 of 3 files"), "\(windowed.output)")
            #expect(windowed.output.contains("Failed: 2\n  \(refused): 0xA900 failure ("), "\(windowed.output)")
            #expect(windowed.output.contains("\n  \(truncated): cannot be read: "), "\(windowed.output)")

            let json = try await ApusBinary.run([
                "store", "127.0.0.1", String(port), "--aec", "APUS", "--json", refused,
            ])
            let summary = try StoreSummary(json.output)
            let failure = try #require(summary.results.first)
            #expect(summary.failed == 1 && failure.status == "A900" && failure.sopInstanceUID == "2.25.4242")
            #expect(failure.errorComment?.isEmpty == false)
        }
        let nobody = try await Ports.free()
        let refusedConnection = try await ApusBinary.run(["echo", "127.0.0.1", String(nobody)])
        #expect(refusedConnection.status == ExitStatus.network.rawValue)
        #expect(refusedConnection.errors.contains("could not connect to 127.0.0.1 port \(nobody)"))
        try await Ports.withSilentListener { port in
            let silent = try await ApusBinary.run(["echo", "127.0.0.1", String(port), "--timeout", "0.3"])
            #expect(silent.status == ExitStatus.network.rawValue)
            #expect(silent.errors.contains("no answer within 0.3 s"), "\(silent.errors)")
        }
    }

    @Test func usageErrorsExitWith2BeforeAnyConnection() async throws {
        let directory = try TemporaryDirectory()
        try "text".write(toFile: directory.path + "/notes.txt", atomically: true, encoding: .utf8)
        let cases: [[String]] = [
            ["echo", "127.0.0.1", "notaport"],
            ["echo", "127.0.0.1", "0"],
            ["echo", "127.0.0.1", "104", "--aec", "MUCH_TOO_LONG_AE_TITLE"],
            ["echo", "127.0.0.1", "104", "--max-pdu", "100"],
            ["store", "127.0.0.1", "104", directory.path + "/missing.dcm"],
            ["store", "127.0.0.1", "104", directory.path],
            ["find", "127.0.0.1", "104", "-k", "NoSuchKeyword=1"],
            ["find", "127.0.0.1", "104", "-L", "PATIENT"],
            ["find", "127.0.0.1", "104", "-L", "FRAME"],
        ]
        for arguments in cases {
            let result = try await ApusBinary.run(arguments)
            #expect(result.status == ExitStatus.usage.rawValue, "\(arguments): \(result.errors)")
            #expect(!result.errors.isEmpty)
        }
    }
}
