import Archive
import DICOM
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import HTTPAPI

/// ZIP downloads (WADO-RS with Accept: application/zip, `GET /tools/export-zip`) and uploads
/// (`POST /tools/import-zip`) through the router; the live suite below checks them with
/// Python's zipfile and unzip over a socket.
@Suite struct ZIPRouteTests {
    static let first = GeneratedInstance(rows: 8, columns: 8)
    static let second = GeneratedInstance(sop: "1.2.826.0.1.3680043.10.1.1.1.2", rows: 6, columns: 6)
    static let otherSeries = GeneratedInstance(
        series: "1.2.826.0.1.3680043.10.1.1.2", sop: "1.2.826.0.1.3680043.10.1.1.2.1", modality: "MR")
    static let otherStudy = GeneratedInstance(
        patientID: "P9", patientName: "ROE^JANE", study: "1.2.826.0.1.3680043.10.9",
        series: "1.2.826.0.1.3680043.10.9.1",
        sop: "1.2.826.0.1.3680043.10.9.1.1", studyDate: "20210101")

    static func withAPI(
        _ configuration: HTTPAPI.Configuration = HTTPAPI.Configuration(),
        _ body: @escaping @Sendable (Archive, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withTemporaryArchive { archive in
            let api = HTTPAPI(archive: archive, configuration: configuration, logger: Logger(label: "test"))
            try await Application(router: api.router()).test(.router) { client in try await body(archive, client) }
        }
    }

    /// The files of a ZIP response, by path.
    static func files(_ response: TestResponse) async throws -> [String: [UInt8]] {
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        #expect(response.headers[.contentType] == "application/zip")
        let reader = try await ZIPReader.open(BufferZIPSource(buffer: response.body))
        var files: [String: [UInt8]] = [:]
        for entry in reader.entries { files[entry.name] = Array(try await reader.content(of: entry).readableBytesView) }
        return files
    }

    @Test func aStudyAsZIPHasReadableFoldersAndTheStoredBytes() async throws {
        try await Self.withAPI { archive, client in
            let first = try await Self.first.store(in: archive)
            let second = try await Self.second.store(in: archive)
            let third = try await Self.otherSeries.store(in: archive)
            try await Self.otherStudy.store(in: archive)
            let response = try await client.get("/dicom-web/studies/\(Self.first.study)", accept: "application/zip")
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"\(Self.first.study).zip\"")
            let files = try await Self.files(response)
            // Both of the first series have instance number 1: the second takes the next free one.
            #expect(
                files == [
                    "P1 DOE JOHN/20200315/OT/OT000001.dcm": Array(first.readableBytesView),
                    "P1 DOE JOHN/20200315/OT/OT000002.dcm": Array(second.readableBytesView),
                    "P1 DOE JOHN/20200315/MR/MR000001.dcm": Array(third.readableBytesView),
                ])
        }
    }

    @Test func seriesAndInstanceToo_andTheAcceptQueryParameter() async throws {
        try await Self.withAPI { archive, client in
            let first = try await Self.first.store(in: archive)
            try await Self.second.store(in: archive)
            let series = try await Self.files(
                try await client.get(
                    "/dicom-web/studies/\(Self.first.study)/series/\(Self.first.series)?accept=application%2Fzip"))
            #expect(series.count == 2)
            let instance = try await Self.files(
                try await client.get(
                    "/dicom-web/studies/\(Self.first.study)/series/\(Self.first.series)/instances/\(Self.first.sop)",
                    accept: "application/zip; transfer-syntax=*"))
            #expect(Array(instance.values) == [Array(first.readableBytesView)])
        }
    }

    @Test func multipartStaysTheDefaultAndSyntaxesAreNegotiated() async throws {
        try await Self.withAPI { archive, client in
            try await Self.first.store(in: archive)
            let path = "/dicom-web/studies/\(Self.first.study)"
            for accept in [nil, "*/*", "multipart/related; type=\"application/dicom\", application/zip"] {
                let response = try await client.get(path, accept: accept)
                #expect(response.headers[.contentType]?.hasPrefix("multipart/related") == true, "\(accept ?? "-")")
            }
            let preferred = try await client.get(path, accept: "application/zip, multipart/related; q=0.5")
            #expect(preferred.headers[.contentType] == "application/zip")
            let other = try await client.get(path, accept: "application/zip; transfer-syntax=1.2.840.10008.1.2.4.50")
            #expect(other.status == .notAcceptable)
            #expect(other.text.contains("1.2.840.10008.1.2.4.50"))
            let missing = try await client.get("/dicom-web/studies/1.2.3.4", accept: "application/zip")
            #expect(missing.status == .notFound)
        }
    }

    @Test func severalStudiesInOneArchive() async throws {
        try await Self.withAPI { archive, client in
            try await Self.first.store(in: archive)
            try await Self.otherStudy.store(in: archive)
            let files = try await Self.files(
                try await client.get("/tools/export-zip?study=\(Self.first.study),\(Self.otherStudy.study)"))
            #expect(
                Set(files.keys) == ["P1 DOE JOHN/20200315/OT/OT000001.dcm", "P9 ROE JANE/20210101/OT/OT000001.dcm"])
            #expect(try await client.get("/tools/export-zip").status == .badRequest)
            #expect(try await client.get("/tools/export-zip?study=1.2.3.4").status == .notFound)
            #expect(try await client.get("/tools/export-zip?study=x;y").status == .badRequest)
        }
    }

    static func post(_ client: any TestClientProtocol, _ body: ByteBuffer) async throws -> TestResponse {
        try await client.execute(
            uri: "/tools/import-zip", method: .post, headers: [.contentType: "application/zip"], body: body)
    }

    struct ImportReply: Decodable {
        struct File: Decodable {
            var status: String
            var name: String
            var reason: String?
            var sopInstanceUID: String?
        }

        var files: [File]
        var stored: Int
        var duplicates: Int
        var refused: Int
        var skipped: Int
    }

    @Test func anUploadedArchiveIsStoredFileByFile() async throws {
        try await Self.withAPI { archive, client in
            let first = try Self.first.part10()
            let second = try Self.second.part10()
            var damaged = ZIPBuilder.Entry(name: "damaged.dcm", data: Array(first.readableBytesView))
            damaged.crc = 1
            let zip = ZIPBuilder(entries: [
                ZIPBuilder.Entry(name: "study/", data: []),
                ZIPBuilder.Entry(name: "study/a.dcm", data: Array(first.readableBytesView)),
                .deflated("study/b.dcm", Array(second.readableBytesView)),
                ZIPBuilder.Entry(name: "study/again.dcm", data: Array(first.readableBytesView)),
                ZIPBuilder.Entry(name: "README.txt", data: Array("not DICOM".utf8)),
                ZIPBuilder.Entry(name: "DICOMDIR", data: Array("index".utf8)),
                damaged,
            ]).build()
            let response = try await Self.post(client, zip)
            #expect(response.status == .accepted, "\(response.text)")
            let reply = try JSONDecoder().decode(ImportReply.self, from: Data(response.body.readableBytesView))
            #expect(
                reply.files.map(\.name) == [
                    "study/a.dcm", "study/b.dcm", "study/again.dcm", "README.txt", "DICOMDIR", "damaged.dcm",
                ])
            #expect(reply.files.map(\.status) == ["stored", "stored", "duplicate", "refused", "skipped", "refused"])
            #expect(reply.files[0].sopInstanceUID == Self.first.sop)
            #expect(reply.files[3].reason?.isEmpty == false)
            #expect(reply.files[5].reason?.contains("CRC-32") == true)
            #expect((reply.stored, reply.duplicates, reply.refused, reply.skipped) == (2, 1, 2, 1))
            // What was stored comes back byte for byte.
            let retrieved = try await Self.files(
                try await client.get("/dicom-web/studies/\(Self.first.study)", accept: "application/zip"))
            #expect(Set(retrieved.values) == [Array(first.readableBytesView), Array(second.readableBytesView)])
        }
    }

    @Test func refusedArchivesSayWhyAndStoreNothing() async throws {
        let configuration = HTTPAPI.Configuration(maximumZIPUploadSize: 100_000)
        try await Self.withAPI(configuration) { archive, client in
            let garbage = try await Self.post(client, ByteBuffer(string: "this is not a zip file"))
            #expect(garbage.status == .badRequest)
            #expect(garbage.text.contains("not a ZIP archive"))
            let part = Array(try Self.first.part10().readableBytesView)
            let overlapping = ZIPBuilder(entries: [
                ZIPBuilder.Entry(name: "a.dcm", data: part),
                ZIPBuilder.Entry(name: "b.dcm", data: [], localHeaderOf: 0),
            ]).build()
            let bomb = try await Self.post(client, overlapping)
            #expect(bomb.status == .badRequest)
            #expect(bomb.text.contains("share bytes"), "\(bomb.text)")
            let large = ZIPBuilder(entries: [ZIPBuilder.Entry(name: "a", data: Array(repeating: 1, count: 200_000))])
            let tooLarge = try await Self.post(client, large.build())
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.text.contains("maximumZIPUploadSize"))
            let bomb64 = ZIPBuilder(entries: [
                ZIPBuilder.Entry(name: "huge.dcm", data: [1], method: 8, uncompressedSize: 0xF000_0000)
            ])
            let huge = try await Self.post(client, bomb64.build())
            #expect(huge.status == .contentTooLarge)
            #expect(huge.text.contains("'huge.dcm' would inflate to 4026531840 bytes"), "\(huge.text)")
            let empty = try await Self.post(client, ZIPBuilder(entries: []).build())
            #expect(empty.status == .badRequest)
            let notDICOM = try await Self.post(
                client, ZIPBuilder(entries: [ZIPBuilder.Entry(name: "x.txt", data: [1, 2, 3])]).build())
            #expect(notDICOM.status == .conflict)
            #expect(try await archive.index.statistics().instances == 0)
        }
    }

    @Test func folderAndFileNamesAreSafe() {
        #expect(ZIPArchiveNames.component(["../etc", "a/b\\c:d"], fallback: "x") == "_etc a_b_c_d")
        #expect(ZIPArchiveNames.component(["", "  "], fallback: "Study") == "Study")
        #expect(ZIPArchiveNames.component(["line\nbreak"], fallback: "x") == "line_break")
        #expect(ZIPArchiveNames.component([String(repeating: "é", count: 100)], fallback: "x").count == 64)
        #expect(ZIPArchiveNames.readableName("DOE^JOHN^^DR=ドウ^ジョン") == "DOE JOHN DR")
        #expect(ZIPArchiveNames.fileName(modality: "CT", number: 12) == "CT000012.dcm")
    }
}
