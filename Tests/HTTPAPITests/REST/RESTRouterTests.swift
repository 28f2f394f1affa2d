import Archive
import DICOM
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite struct RESTRouterTests {
    static let first = GeneratedInstance(patientName: "DOE^JOHN")
    static let second = GeneratedInstance(sop: "1.2.826.0.1.3680043.10.1.1.1.2")
    static let otherSeries = GeneratedInstance(
        series: "1.2.826.0.1.3680043.10.1.1.2", sop: "1.2.826.0.1.3680043.10.1.1.2.1", modality: "CT")
    static let otherPatient = GeneratedInstance(
        patientID: "P9", patientName: "ROE^JANE", study: "1.2.826.0.1.3680043.10.9",
        series: "1.2.826.0.1.3680043.10.9.1", sop: "1.2.826.0.1.3680043.10.9.1.1", studyDate: "20210101")

    static func storeAll(_ archive: Archive) async throws {
        for instance in [first, second, otherSeries, otherPatient] { try await instance.store(in: archive) }
    }

    @Test func listsGiveIdsInStorageOrderWithSinceLimitAndExpand() async throws {
        try await withREST { archive, client in
            try await Self.storeAll(archive)
            var response = try await client.get("/patients")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.strings == [Self.first.ids.patient, Self.otherPatient.ids.patient].map(\.description))
            response = try await client.get("/instances")
            #expect(
                response.strings
                    == [Self.first, Self.second, Self.otherSeries, Self.otherPatient].map(\.ids.instance.description))
            response = try await client.get("/instances?since=1&limit=2")
            #expect(response.strings == [Self.second, Self.otherSeries].map(\.ids.instance.description))
            response = try await client.get("/series?since=5")
            #expect(response.strings == [])
            #expect(response.json != nil)
            response = try await client.get("/studies?expand")
            let studies = response.json as? [[String: Any]] ?? []
            #expect(
                studies.map { $0["ID"] as? String }
                    == [Self.first.ids.study, Self.otherPatient.ids.study].map(\.description))
            #expect(studies.first?["Type"] as? String == "Study")
            for bad in ["/patients?since=-1", "/patients?limit=ten", "/studies?since=1.5"] {
                response = try await client.get(bad)
                #expect(response.status == .badRequest, "\(bad)")
                #expect((response.object["Details"] as? String)?.contains("non-negative integer") == true)
            }
        }
    }

    @Test func eachLevelAnswersInOrthancsShape() async throws {
        try await withREST { archive, client in
            try await Self.storeAll(archive)
            let ids = Self.first.ids
            let patient = try await client.get("/patients/\(ids.patient)").object
            #expect(patient["ID"] as? String == ids.patient.description)
            #expect(patient["Type"] as? String == "Patient")
            #expect(patient["Studies"] as? [String] == [ids.study.description])
            #expect(patient["IsStable"] as? Bool == false)
            #expect((patient["LastUpdate"] as? String)?.count == 15)
            #expect(
                patient["MainDicomTags"] as? [String: String] == ["PatientID": "P1", "PatientName": "DOE^JOHN"])

            let study = try await client.get("/studies/\(ids.study)").object
            #expect(study["ParentPatient"] as? String == ids.patient.description)
            #expect(study["Series"] as? [String] == [ids.series, Self.otherSeries.ids.series].map(\.description))
            #expect(
                study["MainDicomTags"] as? [String: String]
                    == ["StudyInstanceUID": Self.first.study, "StudyDate": "20200315"])
            #expect((study["PatientMainDicomTags"] as? [String: String])?["PatientName"] == "DOE^JOHN")

            let series = try await client.get("/series/\(ids.series)").object
            #expect(series["ParentStudy"] as? String == ids.study.description)
            #expect(series["Instances"] as? [String] == [ids.instance, Self.second.ids.instance].map(\.description))
            #expect(series["Status"] as? String == "Unknown")
            #expect(series.keys.contains("ExpectedNumberOfInstances"))
            #expect(
                series["MainDicomTags"] as? [String: String]
                    == ["SeriesInstanceUID": Self.first.series, "Modality": "OT"])

            let instance = try await client.get("/instances/\(ids.instance)").object
            #expect(instance["ParentSeries"] as? String == ids.series.description)
            #expect(instance["FileSize"] as? Int == (try Self.first.part10().readableBytes))
            #expect((instance["FileUuid"] as? String)?.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
            #expect(instance["IndexInSeries"] as? Int == 1)
            #expect(instance["IsStable"] == nil)
            #expect(
                instance["MainDicomTags"] as? [String: String]
                    == ["SOPInstanceUID": Self.first.sop, "InstanceNumber": "1"])
        }
    }

    @Test func childAndParentRoutes() async throws {
        try await withREST { archive, client in
            try await Self.storeAll(archive)
            let ids = Self.first.ids
            func listed(_ path: String) async throws -> [String] {
                let response = try await client.get(path)
                #expect(response.status == .ok, "\(path)")
                return (response.json as? [[String: Any]] ?? []).compactMap { $0["ID"] as? String }
            }
            let allInstances = [Self.first, Self.second, Self.otherSeries].map(\.ids.instance.description)
            #expect(try await listed("/patients/\(ids.patient)/studies") == [ids.study.description])
            #expect(
                try await listed("/patients/\(ids.patient)/series")
                    == [ids.series, Self.otherSeries.ids.series].map(\.description))
            #expect(try await listed("/patients/\(ids.patient)/instances") == allInstances)
            #expect(try await listed("/studies/\(ids.study)/instances") == allInstances)
            #expect(
                try await listed("/series/\(ids.series)/instances")
                    == [ids.instance, Self.second.ids.instance].map(\.description))
            for (path, expected) in [
                ("/instances/\(ids.instance)/series", ids.series), ("/instances/\(ids.instance)/study", ids.study),
                ("/instances/\(ids.instance)/patient", ids.patient), ("/series/\(ids.series)/study", ids.study),
                ("/series/\(ids.series)/patient", ids.patient), ("/studies/\(ids.study)/patient", ids.patient),
            ] {
                #expect(try await client.get(path).object["ID"] as? String == expected.description, "\(path)")
            }
        }
    }

    @Test func unknownIdsAreNotFoundAndMalformedOnesBadRequests() async throws {
        try await withREST { archive, client in
            try await Self.first.store(in: archive)
            let unknown = "00000000-00000000-00000000-00000000-00000000"
            for path in [
                "/patients/\(unknown)", "/studies/\(unknown)/series", "/instances/\(unknown)/file",
                "/instances/\(unknown)/tags", "/series/\(unknown)/study",
                // An id of another level is unknown at this one.
                "/studies/\(Self.first.ids.patient)",
            ] {
                let response = try await client.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.object["HttpStatus"] as? Int == 404)
                #expect((response.object["Details"] as? String)?.isEmpty == false)
            }
            for path in [
                "/patients/xyz", "/instances/ABCDEF00-00000000-00000000-00000000-00000000/file", "/studies/\(unknown)0",
            ] {
                let response = try await client.get(path)
                #expect(response.status == .badRequest, "\(path)")
                #expect((response.object["Details"] as? String)?.contains("not a resource id") == true)
            }
            #expect(try await client.delete("/studies/\(unknown)").status == .notFound)
        }
    }

    @Test func fileAndTags() async throws {
        let instance = GeneratedInstance(bulkValue: [1, 2, 3, 4])
        try await withREST { archive, client in
            let bytes = try await instance.store(in: archive)
            let id = instance.ids.instance
            var response = try await client.get("/instances/\(id)/file")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/dicom")
            #expect(response.body == bytes)
            response = try await client.get("/instances/\(id)/tags")
            let tags = response.object
            #expect(
                tags["0010,0010"] as? [String: String] == [
                    "Name": "PatientName", "Type": "String", "Value": "DOE^JOHN",
                ])
            #expect(tags["0028,0010"] as? [String: String] == ["Name": "Rows", "Type": "String", "Value": "4"])
            let pixels = tags["7fe0,0010"] as? [String: Any]
            #expect(pixels?["Type"] as? String == "Null")
            #expect(pixels?["Value"] is NSNull)
            #expect((tags["0009,1001"] as? [String: Any])?["PrivateCreator"] as? String == "APUS TEST")
            #expect((tags["0009,0010"] as? [String: Any])?["Name"] as? String == "PrivateCreator")
            #expect(tags.keys.allSatisfy { !$0.hasPrefix("0002,") })
            for path in ["/instances/\(id)/simplified-tags", "/instances/\(id)/tags?simplify"] {
                let simplified = try await client.get(path).object
                #expect(simplified["PatientName"] as? String == "DOE^JOHN", "\(path)")
                #expect(simplified["SOPInstanceUID"] as? String == instance.sop)
                #expect(simplified["PixelData"] is NSNull)
            }
        }
    }

    @Test func postInstancesStoresThroughTheIngestAndAnswersLikeOrthanc() async throws {
        try await withREST(maximumInstanceSize: 4096) { archive, client in
            let bytes = try Self.first.part10()
            var response = try await client.post("/instances", bytes, contentType: "application/dicom")
            #expect(response.status == .ok)
            let ids = Self.first.ids
            #expect(
                response.object as? [String: String] == [
                    "ID": ids.instance.description, "ParentSeries": ids.series.description,
                    "ParentStudy": ids.study.description, "ParentPatient": ids.patient.description,
                    "Path": "/instances/\(ids.instance)", "Status": "Success",
                ])
            response = try await client.post("/instances", bytes)
            #expect(response.object["Status"] as? String == "AlreadyStored")
            #expect(response.object["ID"] as? String == ids.instance.description)
            #expect(try await archive.index.statistics().instances == 1)

            response = try await client.post("/instances", ByteBuffer(string: "not DICOM at all"))
            #expect(response.status == .badRequest)
            #expect((response.object["Details"] as? String)?.contains("unreadable") == true)
            var noUID = Self.second.dataSet
            _ = noUID.remove(.seriesInstanceUID)
            response = try await client.post(
                "/instances", try DICOMFile(dataSet: noUID, transferSyntax: .explicitVRLittleEndian).encoded())
            #expect(response.status == .badRequest)
            #expect((response.object["Details"] as? String)?.contains("SeriesInstanceUID") == true)
            response = try await client.post("/instances", ByteBuffer())
            #expect(response.status == .badRequest)
            response = try await client.post("/instances", ByteBuffer(repeating: 0, count: 5000))
            #expect(response.status == .contentTooLarge)
            response = try await client.post(
                "/instances", ByteBuffer(bytes: [0x50, 0x4B, 0x03, 0x04, 0, 0]), contentType: "application/zip")
            // A ZIP body is read as an archive (storeZIPArchive); this one is cut short.
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).contains("not a ZIP archive"))
            // Nothing refused was kept.
            #expect(try await archive.index.statistics().instances == 1)
        }
    }

    @Test func deleteRemovesRowsAndFilesAndNamesTheRemainingAncestor() async throws {
        let logs = LogLines()
        try await withREST(audit: Logger(label: "audit") { _ in logs.handler }) { archive, client in
            try await Self.storeAll(archive)
            let before = try await archive.index.changes(after: 0, limit: 1000).last?.sequence ?? 0
            var response = try await client.delete("/instances/\(Self.second.ids.instance)")
            #expect(response.status == .ok)
            #expect(
                response.object["RemainingAncestor"] as? [String: String] == [
                    "ID": Self.second.ids.series.description, "Path": "/series/\(Self.second.ids.series)",
                    "Type": "Series",
                ])
            #expect(try await client.get("/instances/\(Self.second.ids.instance)").status == .notFound)
            // The last instance of a series: the series goes too, the study remains.
            response = try await client.delete("/series/\(Self.otherSeries.ids.series)")
            #expect((response.object["RemainingAncestor"] as? [String: String])?["Type"] == "Study")
            response = try await client.delete("/patients/\(Self.otherPatient.ids.patient)")
            #expect(response.object["RemainingAncestor"] is NSNull)
            #expect(try await client.get("/patients").strings == [Self.first.ids.patient.description])
            let statistics = try await archive.index.statistics()
            #expect(statistics.instances == 1 && statistics.patients == 1 && statistics.series == 1)
            var blobs = 0
            for try await _ in archive.blobs.list() { blobs += 1 }
            #expect(blobs == 1)
            let changes = try await archive.index.changes(after: before, limit: 1000)
            #expect(changes.allSatisfy { $0.kind == .deleted })
            #expect(changes.contains { $0.resource == .instance(Self.second.sop) })
            #expect(changes.contains { $0.resource == .patient(PatientIdentity(patientID: "P9")) })
            let lines = logs.lines.filter { $0.hasPrefix("deleted ") }
            #expect(lines.count == 3)
            #expect(lines.first?.contains("id=\(Self.second.ids.instance)") == true)
        }
    }

    @Test func toolsFindMatchesLikeCFind() async throws {
        try await withREST { archive, client in
            try await Self.storeAll(archive)
            var response = try await client.post(
                "/tools/find", json: #"{"Level": "Study", "Query": {"PatientName": "DOE*"}}"#)
            #expect(response.status == .ok)
            #expect(response.strings == [Self.first.ids.study.description])
            response = try await client.post(
                "/tools/find", json: #"{"Level": "Study", "Query": {"PatientName": "doe*"}}"#)
            #expect(response.strings == [])
            response = try await client.post(
                "/tools/find", json: #"{"Level": "Study", "Query": {"PatientName": "doe*"}, "CaseSensitive": false}"#)
            #expect(response.strings == [Self.first.ids.study.description])
            response = try await client.post(
                "/tools/find", json: #"{"Level": "Series", "Query": {"Modality": "CT"}, "Expand": true}"#)
            let series = response.json as? [[String: Any]] ?? []
            #expect(series.map { $0["ID"] as? String } == [Self.otherSeries.ids.series.description])
            #expect(series.first?["ParentStudy"] as? String == Self.first.ids.study.description)
            response = try await client.post(
                "/tools/find",
                json: #"{"Level": "instance", "Query": {"StudyDate": "20200101-20201231"}, "Since": 1, "Limit": 1}"#)
            #expect(response.strings == [Self.second.ids.instance.description])
            response = try await client.post(
                "/tools/find", json: #"{"Level": "Patient", "Query": {"0010,0020": "P9"}}"#)
            #expect(response.strings == [Self.otherPatient.ids.patient.description])
            for (body, reason) in [
                ("not json", "JSON object"), (#"{"Query": {}}"#, "Level"),
                (#"{"Level": "Image", "Query": {}}"#, "Level"),
                (#"{"Level": "Study"}"#, "Query"), (#"{"Level": "Study", "Query": {"Nonsense": "1"}}"#, "Nonsense"),
                (#"{"Level": "Study", "Query": {"StudyDate": "2020-13-45"}}"#, "StudyDate"),
                (#"{"Level": "Study", "Query": {}, "Limit": -1}"#, "Limit"),
                (#"{"Level": "Study", "Query": {"PatientName": 3}}"#, "PatientName"),
            ] {
                response = try await client.post("/tools/find", json: body)
                #expect(response.status == .badRequest, "\(body)")
                let details = response.object["Details"] as? String ?? ""
                #expect(details.contains(reason) || details.contains("0008,0020"), "\(body): \(details)")
            }
        }
    }

    @Test func toolsLookupFindsEveryLevel() async throws {
        try await withREST { archive, client in
            try await Self.storeAll(archive)
            var response = try await client.post("/tools/lookup", ByteBuffer(string: Self.first.study + "\n"))
            #expect(
                response.json as? [[String: String]] == [
                    [
                        "ID": Self.first.ids.study.description, "Path": "/studies/\(Self.first.ids.study)",
                        "Type": "Study",
                    ]
                ])
            response = try await client.post("/tools/lookup", ByteBuffer(string: "P9"))
            #expect((response.json as? [[String: String]])?.first?["Type"] == "Patient")
            response = try await client.post("/tools/lookup", ByteBuffer(string: "1.2.3.4.5"))
            #expect(response.strings == [] && response.json != nil)
        }
    }

    @Test func rolesFollowTheMethod() {
        #expect(Role.required(method: .delete, path: "/studies/x") == .admin)
        #expect(Role.required(method: .post, path: "/instances") == .write)
        #expect(Role.required(method: .post, path: "/tools/find") == .read)
        #expect(Role.required(method: .post, path: "/tools/lookup") == .read)
        #expect(Role.required(method: .get, path: "/instances/x/file") == .read)
    }
}
