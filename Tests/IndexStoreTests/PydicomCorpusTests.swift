import Archive
import DICOM
import Foundation
import NIOCore
import Testing

@Suite("Ingest of pydicom's test corpus")
struct PydicomCorpusTests {
    /// The corpus files, as pydicom lists them. Missing pydicom is a failure, not a skip:
    /// scripts/test installs it.
    static func corpus() throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import pydicom.data as d; print('\\n'.join(d.get_testdata_files()))"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure("pydicom is not installed (python3 -m pip install pydicom)")
        }
        // The listing includes a few directories (DICOMDIR trees); only files are instances.
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    /// What the archive must do with a file, decided from the file alone.
    enum Expectation {
        case unreadable
        case refusedUID(Tag)
        case accepted
    }

    static func expectation(for bytes: ByteBuffer) -> Expectation {
        guard let file = try? DICOMFile(reading: bytes) else { return .unreadable }
        for tag in [Tag.sopClassUID, .sopInstanceUID, .studyInstanceUID, .seriesInstanceUID] {
            let text = file.dataSet.string(tag) ?? ""
            let valid =
                !text.isEmpty && text.count <= 64
                && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
                    !part.isEmpty && part.allSatisfy(\.isASCIIDigit) && (part.count == 1 || part.first != "0")
                }
            if !valid { return .refusedUID(tag) }
        }
        return .accepted
    }

    @Test(
        "every file is stored, kept as a duplicate, or refused with a reason; stored ones read back identical",
        arguments: Backend.allCases)
    func corpusIngest(backend: Backend) async throws {
        let files = try Self.corpus()
        #expect(files.count > 100)
        try await TestArchive.with(backend) { test in
            var storedUIDs: Set<String> = []
            var counts: [String: Int] = [:]
            for path in files {
                let bytes = try FileBytes.read(path: path)
                let result = try await test.archive.store(part10: bytes)
                let name = URL(fileURLWithPath: path).lastPathComponent
                switch (Self.expectation(for: bytes), result) {
                case (.unreadable, .refused(.unreadable)):
                    counts["unreadable", default: 0] += 1
                case (.refusedUID(let tag), .refused(let refusal)):
                    #expect(
                        refusal == .missingAttribute(tag) || refusal.description.contains(tag.description), "\(name)")
                    counts["no UIDs", default: 0] += 1
                case (.accepted, .stored(let instance)):
                    storedUIDs.insert(instance.sopInstanceUID)
                    let content = try await test.archive.content(of: instance).collect()
                        .reduce(into: ByteBuffer()) { $0.writeImmutableBuffer($1) }
                    #expect(content == bytes, "\(name) does not read back identical")
                    counts["stored", default: 0] += 1
                case (.accepted, .duplicateKept(let instance)):
                    #expect(storedUIDs.contains(instance.sopInstanceUID), "\(name)")
                    counts["duplicate", default: 0] += 1
                case (.accepted, .refused(.studyBelongsToAnotherPatient)),
                    (.accepted, .refused(.seriesBelongsToAnotherStudy)):
                    counts["identity conflict", default: 0] += 1
                case (let expected, let actual):
                    Issue.record("\(name): expected \(expected), got \(actual)")
                }
            }
            let statistics = try await test.index.statistics()
            #expect(statistics.instances == storedUIDs.count)
            #expect(try await test.blobKeys().count == storedUIDs.count)
            #expect((counts["stored"] ?? 0) > 100, "\(counts)")
            // Every stored instance answers an IMAGE query and has metadata.
            let all = try await test.archive.instances(matching: ArchiveQuery(model: .studyRoot, level: .image))
                .collect()
            #expect(Set(all.map(\.sopInstanceUID)) == storedUIDs)
            for instance in all.prefix(50) {
                #expect(try await test.archive.metadata(sopInstanceUID: instance.sopInstanceUID) != nil)
            }
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
