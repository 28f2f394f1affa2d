import Foundation
import Testing

/// `apus import`, the real binary: a folder of files straight into the archive.
@Suite("apus import")
struct ImportCommandTests {
    @Test func importsAFolderAndSaysWhatItRefused() async throws {
        let directory = try TemporaryDirectory()
        let folder = directory.path + "/incoming/nested"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ServeEndToEndTests.corpus {
            try FileManager.default.copyItem(atPath: try Pydicom.corpusFile(name), toPath: folder + "/" + name)
        }
        try "not DICOM".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/apus").path

        let first = try Tools.run(binary, ["import", "--data", directory.path + "/data", directory.path + "/incoming"])
        #expect(first.status == 1, "a refused file makes the exit code 1: \(first.output)")
        #expect(first.output.contains("\(ServeEndToEndTests.corpus.count) stored"), "\(first.output)")
        #expect(first.output.contains("1 refused"), "\(first.output)")
        #expect(first.output.contains("notes.txt"), "\(first.output)")

        let again = try Tools.run(binary, ["import", "--data", directory.path + "/data", folder + "/CT_small.dcm"])
        #expect(again.status == 0, "\(again.output)")
        #expect(again.output.contains("1 already stored"), "\(again.output)")

        // The server sees what was imported.
        try await Server.withRunning(dataDirectory: directory.path + "/data") { port in
            let studies = try await Server.findStudies(port: port)
            #expect(studies.count == ServeEndToEndTests.corpus.count)
        }
    }
}
