import Archive
import DICOM
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct QIDOTests {
    static let doe = GeneratedInstance()
    static let roe = GeneratedInstance(
        patientID: "P2", patientName: "ROE^JANE", study: "1.2.826.0.1.3680043.10.1.2",
        series: "1.2.826.0.1.3680043.10.1.2.1", sop: "1.2.826.0.1.3680043.10.1.2.1.1", modality: "CT",
        studyDate: "20211120")
    static let roeSecond = GeneratedInstance(
        patientID: "P2", patientName: "ROE^JANE", study: "1.2.826.0.1.3680043.10.1.2",
        series: "1.2.826.0.1.3680043.10.1.2.2", sop: "1.2.826.0.1.3680043.10.1.2.2.1", modality: "MR",
        studyDate: "20211120")

    static func withStudies(_ body: @escaping @Sendable (Archive, any TestClientProtocol) async throws -> Void)
        async throws
    {
        try await withDICOMweb { archive, client in
            for instance in [doe, roe, roeSecond] { try await instance.store(in: archive) }
            try await body(archive, client)
        }
    }

    static func studyUIDs(_ response: TestResponse) -> Set<String> {
        Set(response.jsonArray.compactMap { firstValue($0, "0020000D") as? String })
    }

    @Test func matchesByKeywordTagWildcardRangeAndUIDList() async throws {
        try await Self.withStudies { _, client in
            var response = try await client.get("/dicom-web/studies?PatientName=DOE*")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/dicom+json")
            #expect(Self.studyUIDs(response) == [Self.doe.study])
            response = try await client.get("/dicom-web/studies?00100020=P2")
            #expect(Self.studyUIDs(response) == [Self.roe.study])
            response = try await client.get("/dicom-web/studies?StudyDate=20200101-20201231")
            #expect(Self.studyUIDs(response) == [Self.doe.study])
            response = try await client.get("/dicom-web/studies?StudyInstanceUID=\(Self.doe.study),\(Self.roe.study)")
            #expect(Self.studyUIDs(response) == [Self.doe.study, Self.roe.study])
            response = try await client.get("/dicom-web/studies?ModalitiesInStudy=MR")
            #expect(Self.studyUIDs(response) == [Self.roe.study])
            response = try await client.get("/dicom-web/studies?PatientName=nobody")
            #expect(response.status == .ok)
            #expect(response.text == "[]")
        }
    }

    @Test func studyAnswersCarryTheDefaultAttributesAndARetrieveURL() async throws {
        try await Self.withStudies { _, client in
            let response = try await client.get("/dicom-web/studies?PatientID=P2")
            let study = try #require(response.jsonArray.first)
            #expect(firstValue(study, "00201206") as? Int == 2)  // NumberOfStudyRelatedSeries
            #expect(firstValue(study, "00201208") as? Int == 2)  // NumberOfStudyRelatedInstances
            #expect(firstValue(study, "00080056") as? String == "ONLINE")
            let name = try #require(firstValue(study, "00100010") as? [String: Any])
            #expect(name["Alphabetic"] as? String == "ROE^JANE")
            let url = try #require(firstValue(study, "00081190") as? String)
            #expect(url.hasSuffix("/dicom-web/studies/\(Self.roe.study)"))
            #expect(study["00080052"] == nil)  // no Query/Retrieve Level
            #expect(study["00201209"] == nil)  // not asked for
            for (_, value) in study { #expect((value as? [String: Any])?["vr"] != nil) }
        }
    }

    @Test func seriesAndInstancesAtEveryNesting() async throws {
        try await Self.withStudies { _, client in
            var response = try await client.get("/dicom-web/studies/\(Self.roe.study)/series")
            #expect(
                Set(response.jsonArray.compactMap { firstValue($0, "0020000E") as? String })
                    == [Self.roe.series, Self.roeSecond.series])
            #expect(response.jsonArray.first?["00100010"] == nil)  // study attributes only when not scoped
            response = try await client.get("/dicom-web/series?Modality=CT")
            #expect(response.jsonArray.compactMap { firstValue($0, "0020000E") as? String } == [Self.roe.series])
            #expect(response.jsonArray.first?["00100010"] != nil)
            response = try await client.get("/dicom-web/instances?PatientID=P2")
            #expect(response.jsonArray.count == 2)
            response = try await client.get("/dicom-web/studies/\(Self.roe.study)/instances")
            #expect(response.jsonArray.count == 2)
            response = try await client.get(
                "/dicom-web/studies/\(Self.roe.study)/series/\(Self.roe.series)/instances")
            let instance = try #require(response.jsonArray.first)
            #expect(response.jsonArray.count == 1)
            #expect(firstValue(instance, "00080018") as? String == Self.roe.sop)
            let url = try #require(firstValue(instance, "00081190") as? String)
            #expect(url.hasSuffix("/studies/\(Self.roe.study)/series/\(Self.roe.series)/instances/\(Self.roe.sop)"))
            response = try await client.get("/dicom-web/studies/\(Self.doe.study)/series/\(Self.roe.series)/instances")
            #expect(response.text == "[]")
        }
    }

    @Test func includefieldLimitOffsetAndFuzzyMatching() async throws {
        try await Self.withStudies { _, client in
            var response = try await client.get("/dicom-web/studies?includefield=StudyDescription,00201209")
            #expect(response.jsonArray.allSatisfy { $0["00081030"] != nil })
            response = try await client.get("/dicom-web/studies?includefield=all")
            #expect(response.jsonArray.allSatisfy { $0["00081030"] != nil && $0["00100030"] != nil })
            response = try await client.get("/dicom-web/studies?includefield=Manufacturer")
            #expect(response.headers[.warning]?.contains("not supported") == true)
            response = try await client.get("/dicom-web/instances?limit=1&offset=1")
            #expect(response.jsonArray.count == 1)
            let second = response.jsonArray.first.flatMap { firstValue($0, "00080018") as? String }
            #expect(second == Self.roe.sop)
            response = try await client.get("/dicom-web/studies?PatientName=doe%5Ejohn&fuzzymatching=true")
            #expect(Self.studyUIDs(response) == [Self.doe.study])
            #expect(response.headers[.warning]?.hasPrefix("299 ") == true)
        }
    }

    @Test func xmlAnswersArePartsOfNativeDICOMModel() async throws {
        try await Self.withStudies { _, client in
            let response = try await client.get(
                "/dicom-web/studies?PatientID=P1", accept: "multipart/related; type=\"application/dicom+xml\"")
            #expect(response.status == .ok)
            let parts = try #require(MultipartParts.parse(response.body, contentType: response.headers[.contentType]))
            #expect(parts.count == 1)
            let xml = String(decoding: parts.first?.body ?? [], as: UTF8.self)
            #expect(xml.contains("<NativeDicomModel"))
            #expect(xml.contains(Self.doe.study))
            let refused = try await client.get("/dicom-web/studies", accept: "text/html")
            #expect(refused.status == .notAcceptable)
        }
    }

    @Test func malformedQueriesAreRefusedWithAReason() async throws {
        try await Self.withStudies { _, client in
            for (query, reason) in [
                ("NotAKeyword=1", "neither a DICOM keyword"),
                ("StudyDate=2020-13-45", "not a valid date"),
                ("limit=abc", "limit must be a positive integer"),
                ("limit=-5", "limit must be a positive integer"),
                ("offset=x", "offset"),
                ("includefield=Bogus", "Bogus"),
                ("fuzzymatching=maybe", "fuzzymatching"),
                ("Rows=big", "not an integer"),
            ] {
                let response = try await client.get("/dicom-web/instances?\(query)")
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.text.contains(reason), "\(query): \(response.text)")
            }
        }
    }

    @Test func aHugeLimitIsCappedWithAWarning() async throws {
        let configuration = Archive.Configuration(maximumQueryResults: 2)
        try await withDICOMweb(configuration: configuration) { archive, client in
            for instance in [Self.doe, Self.roe, Self.roeSecond] { try await instance.store(in: archive) }
            for limit in ["1000000", "99999999999999999999999"] {
                let response = try await client.get("/dicom-web/instances?limit=\(limit)")
                #expect(response.status == .ok)
                #expect(response.jsonArray.count == 2)
                let warnings = response.headers[values: .warning]
                #expect(warnings.contains { $0.contains("maximum of 2") })
                #expect(warnings.contains { $0.contains("Additional results can be requested") })
            }
            let unlimited = try await client.get("/dicom-web/instances")
            #expect(unlimited.headers[values: .warning].count == 1)
            let exact = try await client.get("/dicom-web/instances?limit=2&offset=1")
            #expect(exact.jsonArray.count == 2)
            #expect(exact.headers[.warning] == nil)
        }
    }
}
