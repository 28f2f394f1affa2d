import Archive
import DICOM
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// `/modalities` through the router, with a recording peer service in place of DICOM
/// networking: what each request sends, and the answers in Orthanc's shape.
@Suite struct ModalityRoutesTests {
    static let first = RESTRouterTests.first
    static let second = RESTRouterTests.second
    static let otherSeries = RESTRouterTests.otherSeries
    static let otherPatient = RESTRouterTests.otherPatient
    /// A second study of the first patient, for a patient's store.
    static let secondStudy = GeneratedInstance(
        study: "1.2.826.0.1.3680043.10.1.5", series: "1.2.826.0.1.3680043.10.1.5.1",
        sop: "1.2.826.0.1.3680043.10.1.5.1.1")

    @Test func storeTakesOrthancIdsOfEveryLevel() async throws {
        try await withModalities { archive, peers, client in
            try await RESTRouterTests.storeAll(archive)
            try await Self.secondStudy.store(in: archive)
            let ids = Self.first.ids
            let cases: [(String, [String])] = [
                ("\"\(ids.study)\"", [Self.first.sop, Self.second.sop, Self.otherSeries.sop]),
                ("[\"\(ids.series)\"]", [Self.first.sop, Self.second.sop]),
                ("{\"Resources\": [\"\(ids.instance)\"], \"Synchronous\": true}", [Self.first.sop]),
                // A patient: all its studies, in storage order.
                (
                    "[\"\(ids.patient)\"]",
                    [Self.first.sop, Self.second.sop, Self.otherSeries.sop, Self.secondStudy.sop]
                ),
                // The bare id of old Orthanc clients, not quoted.
                ("\(Self.otherPatient.ids.series)\n", [Self.otherPatient.sop]),
                // Ids and UIDs mixed; an instance under a study given before is sent once.
                (
                    "{\"Resources\": [\"\(Self.otherPatient.study)\", \"\(ids.instance)\", \"\(Self.first.sop)\"]}",
                    [Self.otherPatient.sop, Self.first.sop]
                ),
            ]
            for (body, expected) in cases {
                await peers.reset()
                let response = try await client.post("/modalities/STORESCP/store", json: body)
                #expect(response.status == .ok, "\(body): \(String(buffer: response.body))")
                #expect(await peers.stored == [expected], "\(body)")
                let answer = response.object
                #expect(answer["InstancesCount"] as? Int == expected.count, "\(body)")
                #expect(answer["CompletedCount"] as? Int == expected.count, "\(body)")
                #expect(answer["FailedInstancesCount"] as? Int == 0, "\(body)")
            }
        }
    }

    @Test func storeAnswersInOrthancsShape() async throws {
        try await withModalities(failing: [Self.second.sop]) { archive, _, client in
            try await RESTRouterTests.storeAll(archive)
            let study = Self.first.ids.study.description
            let response = try await client.post(
                "/modalities/STORESCP/store", json: "{\"Resources\": [\"\(study)\"], \"Permissive\": true}")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let answer = response.object
            #expect(answer["Description"] as? String == "REST API")
            #expect(answer["LocalAet"] as? String == "APUS")
            #expect(answer["RemoteAet"] as? String == "STORE-AE")
            #expect(answer["ParentResources"] as? [String] == [study])
            #expect(answer["InstancesCount"] as? Int == 3)
            #expect(answer["CompletedCount"] as? Int == 2)
            #expect(answer["WarningCount"] as? Int == 0)
            #expect(answer["FailedInstancesCount"] as? Int == 1)
            let failures = answer["Failures"] as? [[String: String]]
            #expect(failures == [["SOPInstanceUID": Self.second.sop, "Reason": "refused by the test peer"]])
        }
    }

    @Test func storeRefusesWhatNamesNothing() async throws {
        try await withModalities { archive, peers, client in
            try await RESTRouterTests.storeAll(archive)
            let unknownID = ResourceID.study(patient: PatientIdentity(patientID: "NOBODY"), studyInstanceUID: "1.2.3")
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("[\"\(unknownID)\"]", .notFound, "\(unknownID)"),
                ("\(unknownID)", .notFound, "\(unknownID)"),
                ("[\"1.2.3.999\"]", .notFound, "1.2.3.999"),
                ("[\"a/b\"]", .badRequest, "neither a resource id nor a UID"),
                // Upper-case hex is no Orthanc id.
                ("[\"\(Self.first.ids.study.description.uppercased())\"]", .badRequest, "neither"),
                ("not json", .badRequest, "not JSON"),
                ("", .badRequest, "needs a JSON body"),
                ("[]", .badRequest, "no resources"),
                ("[1]", .badRequest, "a list of them"),
                (
                    "{\"Resources\": [\"\(Self.first.ids.study)\"], \"Asynchronous\": true}", .badRequest,
                    "synchronously"
                ),
                (
                    "{\"Resources\": [\"\(Self.first.ids.study)\"], \"Synchronous\": false}", .badRequest,
                    "synchronously"
                ),
            ]
            for (body, status, details) in cases {
                let response = try await client.post("/modalities/STORESCP/store", json: body)
                #expect(response.status == status, "\(body)")
                #expect(response.object["HttpStatus"] as? Int == Int(status.code), "\(body)")
                #expect(
                    (response.object["Details"] as? String)?.contains(details) == true, "\(body): \(response.object)")
            }
            #expect(await peers.stored.isEmpty)
            let unknownPeer = try await client.post("/modalities/NOBODY/store", json: "[\"\(Self.first.ids.study)\"]")
            #expect(unknownPeer.status == .notFound)
            #expect(unknownPeer.object["Message"] as? String == "Unknown resource")
        }
    }

    @Test func peerFailuresAreBadGatewayOrTimeout() async throws {
        try await withModalities { archive, _, client in
            try await RESTRouterTests.storeAll(archive)
            let body = "[\"\(Self.first.ids.instance)\"]"
            let down = try await client.post("/modalities/DOWN/store", json: body)
            #expect(down.status == .badGateway)
            #expect((down.object["Details"] as? String)?.contains("DOWN (127.0.0.1:9): connection refused") == true)
            let slow = try await client.post("/modalities/SLOW/echo", json: "")
            #expect(slow.status == .gatewayTimeout)
        }
    }

    @Test func listEchoQueryAndMoveAnswers() async throws {
        try await withModalities { _, peers, client in
            #expect(try await client.get("/modalities").strings == ["DOWN", "SLOW", "STORESCP"])
            let expanded = try await client.get("/modalities?expand").object
            let entry = expanded["STORESCP"] as? [String: Any]
            #expect(entry?["AET"] as? String == "STORE-AE")
            #expect(entry?["Host"] as? String == "127.0.0.1")
            #expect(entry?["Port"] as? Int == 104)
            #expect(try await client.get("/modalities/STORESCP").object["AET"] as? String == "STORE-AE")

            let echo = try await client.post("/modalities/STORESCP/echo", json: "").object
            #expect(echo["Status"] as? String == "0000")
            #expect((echo["Milliseconds"] as? Double).map { $0 >= 0 } == true)

            let query = try await client.post(
                "/modalities/STORESCP/query",
                json: "{\"Level\": \"Series\", \"Query\": {\"Modality\": \"CT\", \"00100020\": \"\"}, \"Limit\": 5}")
            #expect(query.status == .ok)
            #expect(query.headers[.contentType] == "application/dicom+json")
            let asked = try #require(await peers.queries.first)
            #expect(asked.identifier.string(.queryRetrieveLevel) == "SERIES")
            #expect(asked.identifier.string(.modality) == "CT")
            #expect(asked.identifier[.patientID] != nil)
            #expect(asked.limit == 5)
            let badQuery = try await client.post("/modalities/STORESCP/query", json: "{\"Query\": [\"x\"]}")
            #expect(badQuery.status == .badRequest)

            let move = try await client.post(
                "/modalities/STORESCP/move",
                json:
                    "{\"Level\": \"Study\", \"Resources\": [{\"StudyInstanceUID\": \"1.2.3\"}], \"TargetAet\": \"ME\"}")
            #expect(move.status == .ok)
            #expect(move.object["TargetAet"] as? String == "ME")
            let result = (move.object["Results"] as? [[String: Any]])?.first
            #expect(result?["Status"] as? String == "B000")
            #expect(result?["Completed"] as? Int == 1)
            #expect(result?["Failed"] as? Int == 1)
            #expect(result?["FailedSOPInstanceUIDs"] as? [String] == ["1.2.3.4"])
            #expect(result?.keys.contains("ErrorComment") == false)
            let badMove = try await client.post("/modalities/STORESCP/move", json: "{\"Resources\": [\"1.2.3\"]}")
            #expect(badMove.status == .badRequest)
        }
    }
}

/// A peer service that answers from memory: STORESCP stores (refusing the SOP Instance UIDs
/// in `failing`), DOWN cannot be reached, SLOW never answers in time.
final class RecordingPeers: DICOMPeerService {
    let localAETitle = "APUS"
    let peers = [
        DICOMPeer(name: "DOWN", aeTitle: "DOWN", host: "127.0.0.1", port: 9),
        DICOMPeer(name: "SLOW", aeTitle: "SLOW", host: "127.0.0.1", port: 10),
        DICOMPeer(name: "STORESCP", aeTitle: "STORE-AE", host: "127.0.0.1", port: 104),
    ]
    let failing: Set<String>
    private let record = Record()

    actor Record {
        var stored: [[String]] = []
        var queries: [(identifier: DataSet, limit: Int)] = []

        func reset() { stored = [] }
        func store(_ uids: [String]) { stored.append(uids) }
        func query(_ identifier: DataSet, _ limit: Int) { queries.append((identifier, limit)) }
    }

    init(failing: Set<String>) { self.failing = failing }

    var stored: [[String]] { get async { await record.stored } }
    var queries: [(identifier: DataSet, limit: Int)] { get async { await record.queries } }
    func reset() async { await record.reset() }

    private func check(_ peer: DICOMPeer) throws(DICOMPeerError) {
        if peer.name == "DOWN" { throw .unreachable("connection refused") }
        if peer.name == "SLOW" { throw .timedOut("no answer in 30 s") }
    }

    func echo(_ peer: DICOMPeer) async throws(DICOMPeerError) -> UInt16 {
        try check(peer)
        return 0
    }

    func store(_ instances: [StoredInstance], to peer: DICOMPeer) async throws(DICOMPeerError) -> PeerStoreResult {
        try check(peer)
        await record.store(instances.map(\.sopInstanceUID))
        let failures = instances.filter { failing.contains($0.sopInstanceUID) }.map {
            PeerStoreResult.Failure(sopInstanceUID: $0.sopInstanceUID, reason: "refused by the test peer")
        }
        return PeerStoreResult(completed: instances.count - failures.count, warnings: 0, failures: failures)
    }

    func find(_ identifier: DataSet, patientRoot: Bool, at peer: DICOMPeer, limit: Int)
        async throws(DICOMPeerError) -> [DataSet]
    {
        try check(peer)
        await record.query(identifier, limit)
        return [identifier]
    }

    func move(_ identifier: DataSet, patientRoot: Bool, destination: String, at peer: DICOMPeer)
        async throws(DICOMPeerError) -> PeerMoveResult
    {
        try check(peer)
        return PeerMoveResult(
            status: 0xB000, completed: 1, failed: 1, warnings: 0, failedSOPInstanceUIDs: ["1.2.3.4"], errorComment: nil)
    }
}

/// An archive with the router in front of it and `RecordingPeers` as its DICOM peers.
func withModalities(
    failing: Set<String> = [],
    _ body: @escaping @Sendable (Archive, RecordingPeers, any TestClientProtocol) async throws -> Void
) async throws {
    try await withTemporaryArchive { archive in
        var api = HTTPAPI(archive: archive, logger: Logger(label: "test"))
        let peers = RecordingPeers(failing: failing)
        api.modalities = peers
        let app = Application(router: api.router())
        try await app.test(.router) { client in try await body(archive, peers, client) }
    }
}
