import Archive
import DICOM
import Foundation
import NIOCore
import Testing

@testable import ApusServer

/// Extra indexed attributes through `apus serve`: configured by setting, filled at start for
/// what was stored before, matched and returned to DCMTK's findscu.
@Suite("apus serve: extra indexed attributes")
struct ExtraIndexedTagsEndToEndTests {
    static let institutions = ["North Clinic", "South Hospital", "North Hospital", "North Annex"]

    /// A small CT instance of its own study, from the given institution.
    static func writeInstance(_ number: Int, institution: String, in directory: String) throws -> String {
        var dataSet = DataSet()
        dataSet.set(.sopClassUID, string: UID.ctImageStorage.rawValue)
        dataSet.set(.sopInstanceUID, string: "2.25.7100\(number).1.1")
        dataSet.set(.studyInstanceUID, string: "2.25.7100\(number)")
        dataSet.set(.seriesInstanceUID, string: "2.25.7100\(number).1")
        dataSet.set(.patientID, string: "EXTRA-\(number)")
        dataSet.set(.patientName, string: "Extra^\(number)")
        dataSet.set(.modality, string: "CT")
        dataSet.set(.institutionName, string: institution)
        dataSet.set(.protocolName, string: "Protocol \(number % 2)")
        let path = directory + "/extra-\(number).dcm"
        let bytes = try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func findscu(port: Int, _ keys: [String]) async throws -> String {
        let result = try await Tools.runDetached(
            "/usr/bin/findscu",
            ["-S", "-aec", "APUS"] + keys.flatMap { ["-k", $0] } + ["127.0.0.1", String(port)])
        #expect(result.status == 0, "findscu: \(result.output)")
        return result.output
    }

    static func pending(_ output: String) -> Int { output.components(separatedBy: "(Pending)").count - 1 }

    @Test func filledAtStartThenMatchedByFindscu() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path + "/data"
        let files = try (0..<3).map {
            try Self.writeInstance($0, institution: Self.institutions[$0], in: directory.path)
        }
        try await Server.withRunning(dataDirectory: data) { port in
            let store = try await Tools.runDetached(
                "/usr/bin/storescu", ["-aec", "APUS", "127.0.0.1", String(port)] + files)
            #expect(store.status == 0, "storescu: \(store.output)")
        }
        let extras = try ExtraAttributes.parse("study:InstitutionName series:ProtocolName")
        let configure: (inout ServerConfiguration) throws -> Void = { $0.extraIndexedAttributes = extras }
        try await Server.withRunning(dataDirectory: data, configure: configure) { port in
            // Stored before the setting: filled at start from the stored metadata.
            let north = try await Self.findscu(
                port: port, ["QueryRetrieveLevel=STUDY", "InstitutionName=North*", "StudyInstanceUID"])
            #expect(Self.pending(north) == 2, "\(north)")
            #expect(north.contains("2.25.71000") && north.contains("2.25.71002") && !north.contains("2.25.71001"))
            #expect(north.contains("[North Clinic]") && north.contains("[North Hospital]"), "\(north)")

            // Stored with the setting: indexed at ingest.
            let fourth = try Self.writeInstance(3, institution: Self.institutions[3], in: directory.path)
            let store = try await Tools.runDetached(
                "/usr/bin/storescu", ["-aec", "APUS", "127.0.0.1", String(port), fourth])
            #expect(store.status == 0, "storescu: \(store.output)")
            let again = try await Self.findscu(
                port: port, ["QueryRetrieveLevel=STUDY", "InstitutionName=North*", "StudyInstanceUID"])
            #expect(Self.pending(again) == 3, "\(again)")

            // A series-level extra beside a study-level one.
            let series = try await Self.findscu(
                port: port,
                [
                    "QueryRetrieveLevel=SERIES", "ProtocolName=Protocol 1", "InstitutionName=*Hospital",
                    "SeriesInstanceUID",
                ])
            // Protocol 1 is the odd numbers; of those, only 1 is a hospital.
            #expect(Self.pending(series) == 1, "\(series)")
            #expect(series.contains("2.25.71001.1"), "\(series)")
        }
    }

    @Test func settingFromFileAndEnvironment() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/apus.json"
        try #"{"extraIndexedTags": {"study": ["InstitutionName"], "series": ["0018,1030"]}}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try ServerConfiguration.load(file: file, environment: [:])
        // The file's levels in name order.
        #expect(fromFile.extraIndexedAttributes.map(\.keyword) == ["ProtocolName", "InstitutionName"])
        #expect(fromFile.extraIndexedAttributes.map(\.level) == [.series, .study])
        let fromEnvironment = try ServerConfiguration.load(
            file: file, environment: ["APUS_EXTRA_INDEXED_TAGS": "instance:AcquisitionDate, patient:00101001"])
        #expect(fromEnvironment.extraIndexedAttributes.map(\.tag) == [.acquisitionDate, .otherPatientNames])
        #expect(fromEnvironment.extraIndexedAttributes.map(\.kind) == [.date, .personName])
        for wrong in [
            "study:NoSuchKeyword", "study:ReferencedStudySequence", "study:PixelData", "study:PatientName",
            "InstitutionName", "ward:InstitutionName", "study:InstitutionName series:InstitutionName",
        ] {
            #expect(throws: ConfigurationError.self, "\(wrong)") {
                try ServerConfiguration.load(file: nil, environment: ["APUS_EXTRA_INDEXED_TAGS": wrong])
            }
        }
    }
}
