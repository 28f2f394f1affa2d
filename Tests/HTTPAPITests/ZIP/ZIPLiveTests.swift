import Archive
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// A study downloaded as ZIP over a socket by Python (urllib, zipfile), checked with
/// `unzip -t`, its extracted files compared byte for byte with what was stored; and an
/// archive made by Python's zipfile uploaded with `POST /tools/import-zip`.
@Suite(.serialized) struct ZIPLiveTests {
    @Test func pythonDownloadsAndExtractsAStudy() async throws {
        try await withTemporaryArchive { archive in
            var stored: [String: [UInt8]] = [:]
            for number in 1...5 {
                let instance = GeneratedInstance(
                    series: "1.2.826.0.1.3680043.10.1.1.\(number % 2 + 1)",
                    sop: "1.2.826.0.1.3680043.10.1.1.1.\(number)", frames: number, rows: 64, columns: 64)
                stored[instance.sop] = Array(try await instance.store(in: archive).readableBytesView)
            }
            let expected = Set(stored.values)
            let api = HTTPAPI(archive: archive, logger: Logger(label: "test"))
            try await Application(router: api.router()).test(.live) { client in
                let port = try #require(client.port)
                let directory = try ZIPTestDirectory()
                let path = directory.path + "/study.zip"
                let url = "http://127.0.0.1:\(port)/dicom-web/studies/\(GeneratedInstance().study)"
                let report = try await ZIPPeers.python(path, "url", url)
                #expect(report.entries.count == 5)
                #expect(report.entries.allSatisfy { $0.name.hasSuffix(".dcm") && $0.method == 0 })
                try await ZIPPeers.unzipTest(path, expectingEntries: 5)
                var extracted: Set<[UInt8]> = []
                for entry in report.entries {
                    extracted.insert(Array(try Data(contentsOf: URL(fileURLWithPath: path + ".d/" + entry.name))))
                }
                #expect(extracted == expected)
            }
        }
    }

    @Test func anArchiveMadeByPythonIsImported() async throws {
        try await withTemporaryArchive { archive in
            let directory = try ZIPTestDirectory()
            let path = directory.path + "/upload.zip"
            // Two DICOM files deflated by zipfile (the `make` mode's entries are not DICOM).
            let first = try ZIPRouteTests.first.part10()
            let second = try ZIPRouteTests.otherStudy.part10()
            try Data(first.readableBytesView).write(to: URL(fileURLWithPath: directory.path + "/a.dcm"))
            try Data(second.readableBytesView).write(to: URL(fileURLWithPath: directory.path + "/b.dcm"))
            let made = try await PeerProcess(
                [
                    "/usr/bin/env", "python3", "-c",
                    "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n"
                        + "    z.write(sys.argv[2], 'x/a.dcm'); z.write(sys.argv[3], 'x/b.dcm')",
                    path, directory.path + "/a.dcm", directory.path + "/b.dcm",
                ]
            ).wait()
            #expect(made.status == 0, "\(made)")
            let api = HTTPAPI(archive: archive, logger: Logger(label: "test"))
            try await Application(router: api.router()).test(.live) { client in
                let body = ByteBuffer(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
                let response = try await client.execute(
                    uri: "/tools/import-zip", method: .post, headers: [.contentType: "application/zip"], body: body)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            #expect(try await archive.index.statistics().instances == 2)
            for (bytes, sop) in [(first, ZIPRouteTests.first.sop), (second, ZIPRouteTests.otherStudy.sop)] {
                let instance = try #require(try await archive.index.instance(sopInstanceUID: sop))
                #expect(try await archive.blobs.read(instance.blobKey) == bytes)
            }
        }
    }
}
