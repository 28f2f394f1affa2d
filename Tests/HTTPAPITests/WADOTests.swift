import Archive
import DICOM
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct WADOTests {
    static let single = GeneratedInstance(
        rows: 32, columns: 32, bulkValue: (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 13) })
    static let multiFrame = GeneratedInstance(
        series: "1.2.826.0.1.3680043.10.1.1.2", sop: "1.2.826.0.1.3680043.10.1.1.2.1", frames: 5, rows: 16,
        columns: 20)
    static let other = GeneratedInstance(
        patientID: "P9", study: "1.2.826.0.1.3680043.10.9", series: "1.2.826.0.1.3680043.10.9.1",
        sop: "1.2.826.0.1.3680043.10.9.1.1")

    static var singlePath: String {
        "/dicom-web/studies/\(single.study)/series/\(single.series)/instances/\(single.sop)"
    }
    static var multiFramePath: String {
        "/dicom-web/studies/\(multiFrame.study)/series/\(multiFrame.series)/instances/\(multiFrame.sop)"
    }

    @Test func studySeriesAndInstanceComeBackByteForByte() async throws {
        try await withDICOMweb { archive, client in
            let first = try await Self.single.store(in: archive)
            let second = try await Self.multiFrame.store(in: archive)
            try await Self.other.store(in: archive)
            for (path, expected) in [
                ("/dicom-web/studies/\(Self.single.study)", [first, second]),
                ("/dicom-web/studies/\(Self.single.study)/series/\(Self.multiFrame.series)", [second]),
                (Self.singlePath, [first]),
            ] {
                for accept in [
                    nil, "multipart/related; type=\"application/dicom\"; transfer-syntax=*",
                    "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1",
                ] {
                    let response = try await client.get(path, accept: accept)
                    #expect(response.status == .ok, "\(path) \(accept ?? "-")")
                    #expect(
                        response.headers[.contentType]?.hasPrefix("multipart/related; type=\"application/dicom\"")
                            == true)
                    let parts = try #require(
                        MultipartParts.parse(response.body, contentType: response.headers[.contentType]))
                    #expect(parts.map(\.body) == expected.map { Array($0.readableBytesView) }, "\(path)")
                    #expect(
                        parts.allSatisfy {
                            $0.headers["content-type"] == "application/dicom; transfer-syntax=1.2.840.10008.1.2.1"
                        })
                }
            }
        }
    }

    @Test func unknownOrMisplacedUIDsAreNotFoundAndOtherSyntaxesNotAcceptable() async throws {
        try await withDICOMweb { archive, client in
            try await Self.single.store(in: archive)
            try await Self.other.store(in: archive)
            var response = try await client.get("/dicom-web/studies/1.2.3.4")
            #expect(response.status == .notFound)
            #expect(response.text.contains("1.2.3.4"))
            // The instance exists, but not in that study.
            response = try await client.get(
                "/dicom-web/studies/\(Self.other.study)/series/\(Self.single.series)/instances/\(Self.single.sop)")
            #expect(response.status == .notFound)
            response = try await client.get(
                "/dicom-web/studies/\(Self.single.study)/series/\(Self.other.series)/instances/\(Self.single.sop)/metadata"
            )
            #expect(response.status == .notFound)
            response = try await client.get("/dicom-web/studies/not-a-uid")
            #expect(response.status == .badRequest)
            response = try await client.get(
                Self.singlePath,
                accept: "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")
            #expect(response.status == .notAcceptable)
            #expect(response.text.contains("transcoding"))
            response = try await client.get(Self.singlePath, accept: "application/json")
            #expect(response.status == .notAcceptable)
        }
    }

    @Test func metadataComesFromTheIndexWithResolvableBulkDataURIs() async throws {
        try await withDICOMweb { archive, client in
            try await Self.single.store(in: archive)
            try await Self.multiFrame.store(in: archive)
            var response = try await client.get("/dicom-web/studies/\(Self.single.study)/metadata")
            #expect(response.status == .ok)
            #expect(response.jsonArray.count == 2)
            response = try await client.get("\(Self.singlePath)/metadata")
            let metadata = try #require(response.jsonArray.first)
            for (_, value) in metadata { #expect((value as? [String: Any])?["vr"] != nil) }
            let pixelURI = try #require((metadata["7FE00010"] as? [String: Any])?["BulkDataURI"] as? String)
            let privateURI = try #require((metadata["00091001"] as? [String: Any])?["BulkDataURI"] as? String)
            #expect(pixelURI.hasSuffix("\(Self.singlePath)/bulk/7FE00010"))
            for (uri, expected) in [(pixelURI, Self.single.pixelBytes), (privateURI, Self.single.bulkValue ?? [])] {
                let range = try #require(uri.range(of: "/dicom-web"))
                let path = String(uri[range.lowerBound...])
                let bulk = try await client.get(path)
                #expect(bulk.status == .ok)
                let parts = try #require(MultipartParts.parse(bulk.body, contentType: bulk.headers[.contentType]))
                #expect(parts.map(\.body) == [expected])
            }
            let missing = try await client.get("\(Self.singlePath)/bulk/00100010/0/00100020")
            #expect(missing.status == .notFound)
            let xml = try await client.get(
                "\(Self.singlePath)/metadata", accept: "multipart/related; type=\"application/dicom+xml\"")
            let parts = try #require(MultipartParts.parse(xml.body, contentType: xml.headers[.contentType]))
            let text = String(decoding: parts.first?.body ?? [], as: UTF8.self)
            #expect(text.contains("<BulkData uri=\"\(pixelURI)\""))
        }
    }

    @Test func framesOfNativePixelData() async throws {
        try await withDICOMweb { archive, client in
            try await Self.multiFrame.store(in: archive)
            var response = try await client.get("\(Self.multiFramePath)/frames/2,5,1")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.contains("application/octet-stream") == true)
            let parts = try #require(MultipartParts.parse(response.body, contentType: response.headers[.contentType]))
            #expect(parts.map(\.body) == [2, 5, 1].map(Self.multiFrame.frame))
            response = try await client.get("\(Self.multiFramePath)/frames/6")
            #expect(response.status == .notFound)
            #expect(response.text.contains("frame 6"))
            response = try await client.get("\(Self.multiFramePath)/frames/0,x")
            #expect(response.status == .badRequest)
        }
    }

    @Test func wadoURIServesThePart10File() async throws {
        try await withDICOMweb { archive, client in
            let stored = try await Self.single.store(in: archive)
            let query =
                "requestType=WADO&studyUID=\(Self.single.study)&seriesUID=\(Self.single.series)&objectUID=\(Self.single.sop)"
            for prefix in ["/wado", "/dicom-web/wado"] {
                var response = try await client.get("\(prefix)?\(query)")
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/dicom")
                #expect(Array(response.body.readableBytesView) == Array(stored.readableBytesView))
                response = try await client.get("\(prefix)?\(query)&contentType=image/jpeg")
                #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg")
                response = try await client.get("\(prefix)?\(query)&contentType=image/gif")
                #expect(response.status == .notAcceptable)
                #expect(response.text.contains("is not available"))
                response = try await client.get("\(prefix)?requestType=WADO&objectUID=\(Self.single.sop)")
                #expect(response.status == .badRequest)
                response = try await client.get(
                    "\(prefix)?\(query.replacingOccurrences(of: Self.single.sop, with: "1.2.3"))")
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func rootDescribesTheService() async throws {
        try await withDICOMweb { _, client in
            let response = try await client.get("/dicom-web")
            #expect(response.status == .ok)
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            #expect(object["qido-rs"] != nil && object["wado-rs"] != nil && object["wado-uri"] != nil)
        }
    }

    /// Measures (prints) study metadata latency for a 2,000-instance study; the issue's target is
    /// 300 ms.
    @Test func studyMetadataLatencyForTwoThousandInstances() async throws {
        try await withDICOMweb { archive, client in
            let study = "1.2.826.0.1.3680043.10.77"
            for index in 0..<2000 {
                let instance = GeneratedInstance(
                    study: study, series: "\(study).\(index % 4)", sop: "\(study).\(index % 4).\(index)", rows: 32,
                    columns: 32)
                try await instance.store(in: archive)
            }
            let target = try archive.query(
                identifier: {
                    var identifier = DataSet()
                    identifier.set(.queryRetrieveLevel, vr: .CS, string: "STUDY")
                    identifier.set(.studyInstanceUID, vr: .UI, string: study)
                    return identifier
                }(), model: .studyRoot)
            let indexStart = ContinuousClock.now
            var count = 0
            for try await _ in archive.metadata(matching: target) { count += 1 }
            print("index alone: \(ContinuousClock.now - indexStart) for \(count)")
            var timings: [Double] = []
            for _ in 0..<5 {
                let start = ContinuousClock.now
                let response = try await client.get("/dicom-web/studies/\(study)/metadata")
                let elapsed = ContinuousClock.now - start
                #expect(response.status == .ok)
                #expect(response.jsonArray.count == 2000)
                timings.append(
                    Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            }
            let sorted = timings.sorted()
            print("study metadata, 2000 instances: median \(sorted[2]) ms, min \(sorted[0]) ms (target < 300 ms)")
        }
    }
}
