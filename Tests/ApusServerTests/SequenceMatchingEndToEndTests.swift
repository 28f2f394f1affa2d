import Archive
import DICOM
import Foundation
import NIOCore
import Testing

@testable import ApusServer

/// Sequence matching and sequence return keys in C-FIND (PS3.4 C.2.2.2.6), with DCMTK's
/// findscu, answered from the stored metadata. Expectations come from the items written below.
@Suite("apus serve: sequence matching in C-FIND")
struct SequenceMatchingEndToEndTests {
    /// Request attributes (scheduled procedure step, requested procedure) of instance 0, 1, 2.
    static let requests: [[(step: String, procedure: String)]] = [
        [("SPS-1", "RP-1"), ("SPS-2", "RP-2")],
        [("SPS-3", "RP-3")],
        [],
    ]
    static let referencedStudy = "2.25.5550001"

    static func writeInstance(_ number: Int, in directory: String) throws -> String {
        var dataSet = DataSet()
        dataSet.set(.sopClassUID, string: UID.ctImageStorage.rawValue)
        dataSet.set(.sopInstanceUID, string: "2.25.7200\(number).1.1")
        dataSet.set(.studyInstanceUID, string: "2.25.7200\(number)")
        dataSet.set(.seriesInstanceUID, string: "2.25.7200\(number).1")
        dataSet.set(.patientID, string: "SEQ-\(number)")
        dataSet.set(.modality, string: "CT")
        var items: [DataSet] = []
        for request in requests[number] {
            var item = DataSet()
            item.set(.scheduledProcedureStepID, string: request.step)
            item.set(.requestedProcedureID, string: request.procedure)
            items.append(item)
        }
        if !items.isEmpty { dataSet.set(.requestAttributesSequence, items: items) }
        if number == 1 {
            var reference = DataSet()
            reference.set(.referencedSOPClassUID, string: "1.2.840.10008.3.1.2.3.1")
            reference.set(.referencedSOPInstanceUID, string: referencedStudy)
            dataSet.set(.referencedStudySequence, items: [reference])
        }
        let path = directory + "/sequence-\(number).dcm"
        let bytes = try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func findscuSequenceKeys() async throws {
        let directory = try TemporaryDirectory()
        let files = try (0..<3).map { try Self.writeInstance($0, in: directory.path) }
        try await Server.withRunning(dataDirectory: directory.path + "/data") { port in
            let store = try await Tools.runDetached(
                "/usr/bin/storescu", ["-aec", "APUS", "127.0.0.1", String(port)] + files)
            #expect(store.status == 0, "storescu: \(store.output)")
            let find = { (keys: [String]) in try await ExtraIndexedTagsEndToEndTests.findscu(port: port, keys) }
            let pending = ExtraIndexedTagsEndToEndTests.pending

            // One item matches: only that item comes back, with the keys asked for (DCMTK shows
            // the padding of odd-length values: `[SPS-2 ]`).
            let single = try await find([
                "QueryRetrieveLevel=SERIES", "SeriesInstanceUID",
                "RequestAttributesSequence[0].ScheduledProcedureStepID=SPS-2",
                "RequestAttributesSequence[0].RequestedProcedureID",
            ])
            #expect(pending(single) == 1, "\(single)")
            #expect(
                single.contains("2.25.72000.1") && single.contains("[SPS-2") && single.contains("[RP-2"), "\(single)")
            #expect(!single.contains("[SPS-1") && !single.contains("[RP-1"), "\(single)")

            // Wild cards inside the item: every series with a matching step.
            let wild = try await find([
                "QueryRetrieveLevel=SERIES", "SeriesInstanceUID",
                "RequestAttributesSequence[0].ScheduledProcedureStepID=SPS-*",
            ])
            let withSteps = Self.requests.indices.filter { !Self.requests[$0].isEmpty }
            #expect(pending(wild) == withSteps.count, "\(wild)")

            // No match at all.
            let none = try await find([
                "QueryRetrieveLevel=SERIES", "SeriesInstanceUID",
                "RequestAttributesSequence[0].ScheduledProcedureStepID=SPS-9",
            ])
            #expect(pending(none) == 0, "\(none)")

            // An empty sequence key returns the whole sequence, and matches everything.
            let whole = try await find([
                "QueryRetrieveLevel=SERIES", "SeriesInstanceUID=2.25.72000.1", "RequestAttributesSequence",
            ])
            #expect(pending(whole) == 1, "\(whole)")
            for request in Self.requests[0] {
                #expect(whole.contains("[\(request.step)") && whole.contains("[\(request.procedure)"), "\(whole)")
            }
            let everything = try await find([
                "QueryRetrieveLevel=SERIES", "SeriesInstanceUID", "RequestAttributesSequence",
            ])
            #expect(pending(everything) == Self.requests.count, "\(everything)")

            // A UID inside ReferencedStudySequence, at STUDY level.
            let referenced = try await find([
                "QueryRetrieveLevel=STUDY", "StudyInstanceUID",
                "ReferencedStudySequence[0].ReferencedSOPInstanceUID=\(Self.referencedStudy)",
            ])
            #expect(pending(referenced) == 1, "\(referenced)")
            #expect(referenced.contains("2.25.72001") && referenced.contains(Self.referencedStudy), "\(referenced)")
        }
    }
}
