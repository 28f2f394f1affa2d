import Archive
import DICOM
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Posts `body` to `uri` on a router over a fresh archive; `check` sees the response and the archive.
func withSTOW(
    maximumInstanceSize: Int = 1 << 30,
    _ body:
        @escaping @Sendable (
            _ post: (String, String, ByteBuffer, String?) async throws -> TestResponse, Archive
        ) async throws -> Void
) async throws {
    try await withTemporaryArchive { archive in
        let api = HTTPAPI(
            archive: archive, configuration: HTTPAPI.Configuration(maximumInstanceSize: maximumInstanceSize),
            logger: Logger(label: "test"))
        try await Application(router: api.router()).test(.router) { client in
            try await body(
                { uri, contentType, payload, accept in
                    var headers: HTTPFields = [.contentType: contentType]
                    if let accept { headers[.accept] = accept }
                    return try await client.execute(uri: uri, method: .post, headers: headers, body: payload)
                }, archive)
        }
    }
}

@Suite struct STOWRouterTests {
    @Test func storesEveryPartByteForByteAndAnswersTheStandardResponse() async throws {
        let ct = try STOWFixture.pydicomFile("CT_small.dcm")
        let mr = try STOWFixture.pydicomFile("MR_small.dcm")
        try await withSTOW { post, archive in
            let response = try await post(
                "/dicom-web/studies", STOWFixture.dicomType,
                STOWFixture.multipartBody(STOWFixture.dicomParts([ct, mr])), nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/dicom+json")
            let reply = try STOWReply(json: response.body)
            #expect(reply.failed.isEmpty)
            #expect(reply.referenced.count == 2)
            let stored = try await STOWFixture.storedContents(of: archive)
            let ctFile = try DICOMFile(reading: ct)
            let sop = try #require(ctFile.dataSet.string(.sopInstanceUID))
            let study = try #require(ctFile.dataSet.string(.studyInstanceUID))
            let series = try #require(ctFile.dataSet.string(.seriesInstanceUID))
            #expect(stored[sop] == Array(ct.readableBytesView))
            #expect(stored.values.contains(Array(mr.readableBytesView)))
            let url = reply.referenced.first { $0.sop == sop }?.url
            #expect(url == "http://localhost/dicom-web/studies/\(study)/series/\(series)/instances/\(sop)")
            // Two studies: no single study URL.
            #expect(reply.retrieveURL == nil)
        }
    }

    @Test func duplicateIsAcceptedWithAWarning() async throws {
        let ct = try STOWFixture.pydicomFile("CT_small.dcm")
        try await withSTOW { post, archive in
            let first = try await post(
                "/dicom-web/studies", STOWFixture.dicomType, STOWFixture.multipartBody(STOWFixture.dicomParts([ct])),
                nil)
            #expect(first.status == .ok)
            let second = try await post(
                "/dicom-web/studies", STOWFixture.dicomType, STOWFixture.multipartBody(STOWFixture.dicomParts([ct])),
                nil)
            #expect(second.status == .accepted)
            let reply = try STOWReply(json: second.body)
            #expect(reply.referenced.map(\.warning) == [0xB000])
            #expect(try await STOWFixture.storedContents(of: archive).count == 1)
        }
    }

    @Test func aPartThatIsNotDICOMFailsAloneAndTheOthersAreStored() async throws {
        let ct = try STOWFixture.pydicomFile("CT_small.dcm")
        try await withSTOW { post, archive in
            let parts = [
                (type: "application/dicom", bytes: ByteBuffer(string: "not a DICOM file")),
                (type: "application/dicom", bytes: ct),
                (type: "text/plain", bytes: ByteBuffer(string: "hello")),
            ]
            let response = try await post(
                "/dicom-web/studies", STOWFixture.dicomType, STOWFixture.multipartBody(parts), nil)
            #expect(response.status == .accepted)
            let reply = try STOWReply(json: response.body)
            #expect(reply.referenced.count == 1)
            #expect(reply.failed.map(\.reason) == [0xC000, 0xC000])
            #expect(response.headers[values: .init("Warning")!].count == 2)
            #expect(try await STOWFixture.storedContents(of: archive).values.first == Array(ct.readableBytesView))
        }
    }

    /// Parts are stored several at a time; the response still answers them in their order,
    /// a failed part among them included, and a duplicate within the request is one instance.
    @Test func manyPartsAreAnsweredInTheirOrder() async throws {
        let instances = (1...40).map { number in
            GeneratedInstance(
                series: "1.2.826.0.1.3680043.10.1.1.\(number % 3)", sop: "1.2.826.0.1.3680043.10.1.1.9.\(number)")
        }
        var parts = try instances.map { (type: "application/dicom", bytes: try $0.part10()) }
        parts.insert((type: "application/dicom", bytes: ByteBuffer(string: "not DICOM")), at: 17)
        parts.append((type: "application/dicom", bytes: try instances[0].part10()))
        let body = STOWFixture.multipartBody(parts)
        try await withSTOW { post, archive in
            let response = try await post("/dicom-web/studies", STOWFixture.dicomType, body, nil)
            #expect(response.status == .accepted)
            let reply = try STOWReply(json: response.body)
            #expect(reply.referenced.map(\.sop) == instances.map(\.sop) + [instances[0].sop])
            #expect(reply.referenced.last?.warning == 0xB000)
            #expect(reply.failed.map(\.reason) == [0xC000])
            #expect(try await STOWFixture.storedContents(of: archive).count == 40)
        }
    }

    @Test func allFailedIsAConflict() async throws {
        try await withSTOW { post, _ in
            let parts = [(type: String?.none, bytes: ByteBuffer(string: "garbage"))]
            let response = try await post(
                "/dicom-web/studies", STOWFixture.dicomType, STOWFixture.multipartBody(parts), nil)
            #expect(response.status == .conflict)
            #expect(try STOWReply(json: response.body).failed.map(\.reason) == [0xC000])
        }
    }

    @Test func instanceOfAnotherStudyThanTheTargetFails() async throws {
        let ct = try STOWFixture.pydicomFile("CT_small.dcm")
        let file = try DICOMFile(reading: ct)
        let study = try #require(file.dataSet.string(.studyInstanceUID))
        try await withSTOW { post, archive in
            let wrong = try await post(
                "/dicom-web/studies/1.2.3.4", STOWFixture.dicomType,
                STOWFixture.multipartBody(STOWFixture.dicomParts([ct])), nil)
            #expect(wrong.status == .conflict)
            let reply = try STOWReply(json: wrong.body)
            #expect(reply.failed.map(\.reason) == [0xC409])
            #expect(reply.failed.first?.sop == file.dataSet.string(.sopInstanceUID))
            #expect(reply.retrieveURL == "http://localhost/dicom-web/studies/1.2.3.4")
            #expect(try await STOWFixture.storedContents(of: archive).isEmpty)
            let right = try await post(
                "/dicom-web/studies/\(study)", STOWFixture.dicomType,
                STOWFixture.multipartBody(STOWFixture.dicomParts([ct])), nil)
            #expect(right.status == .ok)
        }
    }

    @Test func malformedBodiesAreBadRequests() async throws {
        let ct = try STOWFixture.pydicomFile("CT_small.dcm")
        try await withSTOW { post, archive in
            let empty = try await post("/dicom-web/studies", STOWFixture.dicomType, ByteBuffer(), nil)
            #expect(empty.status == .badRequest)
            #expect(String(buffer: empty.body).contains("no multipart boundary delimiter"))
            let wrongBoundary = try await post(
                "/dicom-web/studies", "multipart/related; type=\"application/dicom\"; boundary=other",
                STOWFixture.multipartBody(STOWFixture.dicomParts([ct])), nil)
            #expect(wrongBoundary.status == .badRequest)
            let noBoundary = try await post(
                "/dicom-web/studies", "multipart/related; type=\"application/dicom\"",
                STOWFixture.multipartBody(STOWFixture.dicomParts([ct])),
                nil)
            #expect(noBoundary.status == .badRequest)
            #expect(String(buffer: noBoundary.body).contains("boundary"))
            let noParts = try await post(
                "/dicom-web/studies", STOWFixture.dicomType, ByteBuffer(string: "--stow-boundary--"), nil)
            #expect(noParts.status == .badRequest)
            #expect(try await STOWFixture.storedContents(of: archive).isEmpty)
        }
    }

    @Test func aTruncatedPartKeepsWhatWasStoredBefore() async throws {
        let ct = try STOWFixture.pydicomFile("CT_small.dcm")
        let mr = try STOWFixture.pydicomFile("MR_small.dcm")
        try await withSTOW { post, archive in
            var body = STOWFixture.multipartBody(STOWFixture.dicomParts([ct]))
            body.moveWriterIndex(to: body.writerIndex - "--stow-boundary--\r\n".utf8.count)
            body.writeString("--stow-boundary\r\n\r\n")
            body.writeImmutableBuffer(mr.getSlice(at: 0, length: 1000) ?? ByteBuffer())
            let response = try await post("/dicom-web/studies", STOWFixture.dicomType, body, nil)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/dicom+json")
            #expect(try STOWReply(json: response.body).referenced.count == 1)
            #expect(try await STOWFixture.storedContents(of: archive).values.first == Array(ct.readableBytesView))
        }
    }

    @Test func aPartOverTheLimitIsRefusedWith413() async throws {
        let ct = try STOWFixture.pydicomFile("CT_small.dcm")
        try await withSTOW(maximumInstanceSize: 10_000) { post, archive in
            let response = try await post(
                "/dicom-web/studies", STOWFixture.dicomType, STOWFixture.multipartBody(STOWFixture.dicomParts([ct])),
                nil)
            #expect(response.status == .contentTooLarge)
            #expect(String(buffer: response.body).contains("larger than the limit of 10000 bytes"))
            #expect(try await STOWFixture.storedContents(of: archive).isEmpty)
        }
    }

    @Test func unsupportedMediaTypes() async throws {
        let ct = try STOWFixture.pydicomFile("CT_small.dcm")
        try await withSTOW { post, _ in
            let single = try await post("/dicom-web/studies", "application/dicom", ct, nil)
            #expect(single.status == .unsupportedMediaType)
            #expect(String(buffer: single.body).contains("multipart/related"))
            let jpeg = try await post(
                "/dicom-web/studies", "multipart/related; type=\"image/jpeg\"; boundary=stow-boundary",
                STOWFixture.multipartBody(STOWFixture.dicomParts([ct])), nil)
            #expect(jpeg.status == .unsupportedMediaType)
        }
    }

    @Test func xmlResponseWhenAccepted() async throws {
        let ct = try STOWFixture.pydicomFile("CT_small.dcm")
        try await withSTOW { post, _ in
            let response = try await post(
                "/dicom-web/studies", STOWFixture.dicomType, STOWFixture.multipartBody(STOWFixture.dicomParts([ct])),
                "application/dicom+xml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/dicom+xml")
            let dataSet = try DICOMXMLDecoder().decode(response.body)
            #expect(STOWReply(dataSet: dataSet).referenced.count == 1)
        }
    }

    @Test(arguments: [false, true]) func metadataAndBulkDataForm(xml: Bool) async throws {
        let ct = try STOWFixture.pydicomFile("CT_small.dcm")
        let original = try DICOMFile(reading: ct)
        let pixels = try #require(original.dataSet.bytes(.pixelData))
        let uri = "http://client.example/bulk/pixels"
        let metadata =
            xml
            ? DICOMXMLEncoder(bulkDataThreshold: 1024, bulkDataURI: { _ in uri }).encode(original.dataSet)
            : DICOMJSONEncoder(bulkDataThreshold: 1024, bulkDataURI: { _ in uri }).encode([original.dataSet])
        var body = ByteBuffer()
        body.writeString("--b\r\nContent-Type: application/dicom+\(xml ? "xml" : "json")\r\n\r\n")
        body.writeImmutableBuffer(metadata)
        body.writeString("\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Location: \(uri)\r\n\r\n")
        body.writeImmutableBuffer(pixels)
        body.writeString("\r\n--b--")
        let request = body
        try await withSTOW { post, archive in
            let contentType = "multipart/related; type=\"application/dicom+\(xml ? "xml" : "json")\"; boundary=b"
            let response = try await post("/dicom-web/studies", contentType, request, nil)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let stored = try await STOWFixture.storedContents(of: archive)
            let sop = try #require(original.dataSet.string(.sopInstanceUID))
            let file = try DICOMFile(reading: ByteBuffer(bytes: try #require(stored[sop])))
            #expect(file.dataSet.bytes(.pixelData) == pixels)
            #expect(file.dataSet.string(.patientName) == original.dataSet.string(.patientName))
            #expect(file.dataSet.int(.rows) == original.dataSet.int(.rows))
        }
    }

    @Test func metadataWithAMissingBulkDataPartFails() async throws {
        let ct = try STOWFixture.pydicomFile("CT_small.dcm")
        let original = try DICOMFile(reading: ct)
        let metadata = DICOMJSONEncoder(bulkDataThreshold: 1024, bulkDataURI: { _ in "missing" }).encode([
            original.dataSet
        ])
        try await withSTOW { post, archive in
            let response = try await post(
                "/dicom-web/studies", "multipart/related; type=\"application/dicom+json\"; boundary=stow-boundary",
                STOWFixture.multipartBody([(type: "application/dicom+json", bytes: metadata)]), nil)
            #expect(response.status == .conflict)
            #expect(try STOWReply(json: response.body).failed.map(\.reason) == [0xC000])
            #expect(try await STOWFixture.storedContents(of: archive).isEmpty)
        }
    }
}
