import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Synchronization
import Testing

/// Issue 6: two `apus serve` processes on one PostgreSQL database and one shared files
/// directory (the shared-volume topology) behave as one archive.
@Suite("Two apus serve replicas on one PostgreSQL database")
struct ReplicaTests {
    @Test(
        "stored through one, found and retrieved through the other; one study row under concurrent ingest; SIGKILL loses nothing acknowledged"
    )
    func replicas() async throws {
        try await TestPostgres.withDatabase { url in
            let directory = try TemporaryDirectory()
            let environment = ["APUS_DATABASE_URL": url]
            // Started together: both find an empty database and migrate it, one of them only.
            var first = try ServerProcess(dataDirectory: directory.path, environment: environment)
            defer { first.kill9() }
            let second = try ServerProcess(dataDirectory: directory.path, environment: environment)
            defer { second.terminate() }
            let firstPort = try await first.waitForPort()
            let secondPort = try await second.waitForPort()

            // Stored through the first, found and retrieved through the second.
            let lane = (0..<12).map { DurabilityTests.instance(lane: 1, number: $0) }
            try await DurabilityTests.send(lane, port: firstPort) { _ in }
            let found = try await Self.instances(of: "2.25.42421", port: secondPort)
            #expect(found == Set(lane.map(\.uid)))
            let retrieved = try await Self.retrieve(study: "2.25.42421", port: secondPort)
            #expect(retrieved.count == lane.count)
            for instance in lane {
                // Sent in the transfer syntax it came in, the data set's bytes unchanged.
                #expect(retrieved[instance.uid] == instance.bytes)
            }

            // Both replicas ingest instances of one new study at the same time.
            let shared = (0..<40).map { DurabilityTests.instance(lane: 2, number: $0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (offset, port) in [firstPort, secondPort, firstPort, secondPort].enumerated() {
                    let part = shared.enumerated().filter { $0.offset % 4 == offset }.map(\.element)
                    group.addTask { try await DurabilityTests.send(part, port: port) { _ in } }
                }
                try await group.waitForAll()
            }
            let studies = try await Self.studies(uid: "2.25.42422", port: firstPort)
            #expect(studies.count == 1)
            #expect(studies.first?.string(.numberOfStudyRelatedInstances) == "40")
            #expect(studies.first?.string(.numberOfStudyRelatedSeries) == "1")
            let rows = try await TestPostgres.administer(
                url, "SELECT count(*)::bigint FROM studies WHERE studyinstanceuid = '2.25.42422'")
            #expect(rows == 1)

            // The first is killed mid-ingest: what it acknowledged is there through the second.
            let acknowledged = Acknowledged()
            let lanes = (3..<7).map { lane in (0..<50).map { DurabilityTests.instance(lane: lane, number: $0) } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in lanes {
                    group.addTask { try? await DurabilityTests.send(lane, port: firstPort) { acknowledged.insert($0) } }
                }
                let deadline = ContinuousClock.now + .seconds(120)
                while acknowledged.count < 60, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                first.kill9()
                try await group.waitForAll()
            }
            let seen = acknowledged.all
            #expect(!seen.isEmpty)
            #expect(seen.count < 200, "the kill came too late to test anything")
            var survived: Set<String> = []
            for lane in 3..<7 { survived.formUnion(try await Self.instances(of: "2.25.4242\(lane)", port: secondPort)) }
            #expect(seen.isSubset(of: survived), "acknowledged but lost: \(seen.subtracting(survived).count)")
            let retrievedAfterKill = try await Self.retrieve(study: "2.25.42423", port: secondPort)
            #expect(Set(retrievedAfterKill.keys) == survived.filter { $0.hasPrefix("2.25.42423.") })
        }
    }

    /// The SOP Instance UIDs of the study's series `<study>.1` (C-FIND at IMAGE level).
    static func instances(of study: String, port: Int) async throws -> Set<String> {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, string: "IMAGE")
        identifier.set(.studyInstanceUID, string: study)
        identifier.set(.seriesInstanceUID, string: study + ".1")
        identifier.insert(DataElement(tag: .sopInstanceUID, vr: .UI, bytes: ByteBuffer()))
        let association = try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "TEST", calledAETitle: "APUS",
            presentationContexts: [
                ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelFind)
            ])
        var uids: Set<String> = []
        for try await match in association.find(identifier) {
            if let uid = match.string(.sopInstanceUID) { uids.insert(uid) }
        }
        try await association.release()
        return uids
    }

    /// The study-level matches of a Study Instance UID, with their counts.
    static func studies(uid: String, port: Int) async throws -> [DataSet] {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, string: "STUDY")
        identifier.set(.studyInstanceUID, string: uid)
        identifier.insert(DataElement(tag: .numberOfStudyRelatedInstances, vr: .IS, bytes: ByteBuffer()))
        identifier.insert(DataElement(tag: .numberOfStudyRelatedSeries, vr: .IS, bytes: ByteBuffer()))
        let association = try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "TEST", calledAETitle: "APUS",
            presentationContexts: [
                ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelFind)
            ])
        var matches: [DataSet] = []
        for try await match in association.find(identifier) { matches.append(match) }
        try await association.release()
        return matches
    }

    /// The study's instances by C-GET, by SOP Instance UID.
    static func retrieve(study: String, port: Int) async throws -> [String: ByteBuffer] {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, string: "STUDY")
        identifier.set(.studyInstanceUID, string: study)
        let association = try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "TEST", calledAETitle: "APUS",
            presentationContexts: [
                ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelGet),
                ProposedPresentationContext(
                    abstractSyntax: .ctImageStorage, transferSyntaxes: [.explicitVRLittleEndian]),
            ],
            roleSelections: [UserInformation.RoleSelection(sopClassUID: .ctImageStorage, scuRole: false, scpRole: true)]
        )
        let received = Mutex<[String: ByteBuffer]>([:])
        let result = try await association.get(identifier) { instance in
            received.withLock { $0[instance.request.affectedSOPInstanceUID.rawValue] = instance.dataSet }
            return .success
        }
        try await association.release()
        #expect(result.status == .success)
        return received.withLock { $0 }
    }
}
