import DICOM
import Foundation

/// pydicom's view of DICOM files, from `scripts/pydicom-dump.py` (whose header documents the
/// JSON). The tests need python3 with pydicom 3 and pydicom-data; without them they fail
/// with this error rather than skip.
enum PydicomDump {
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    struct Output: Decodable, Sendable {
        let pydicom: String
        let files: [File]
    }

    struct File: Decodable, Sendable {
        let path: String
        /// dcmread's error without force, nil when it read the file.
        let strict: String?
        /// dcmread's error with force=True (tried only when strict failed), nil when it read.
        let forced: String?
        let transferSyntax: String?
        let implicitVR: Bool?
        let littleEndian: Bool?
        let warnings: [String]
        let meta: [Element]?
        let dataset: [Element]?
        let walk: String?

        var name: String { URL(fileURLWithPath: path).lastPathComponent }
        var readable: Bool { strict == nil || forced == nil }
        /// pydicom read a value that the file ends before: its result is partial.
        var isShort: Bool {
            func anyShort(_ elements: [Element]) -> Bool {
                elements.contains { $0.short == true || ($0.items ?? []).contains(where: anyShort) }
            }
            return anyShort(meta ?? []) || anyShort(dataset ?? [])
                || warnings.contains { $0.hasPrefix("End of file reached") }
        }

        enum CodingKeys: String, CodingKey {
            case path, strict, forced, warnings, meta, dataset, walk
            case transferSyntax = "transfer_syntax"
            case implicitVR = "implicit_vr"
            case littleEndian = "little_endian"
        }
    }

    struct Element: Decodable, Sendable {
        let tag: String
        let vr: String?
        let rawVR: String?
        let dictVR: String?
        let length: UInt32?
        let value: Value?
        let items: [[Element]]?
        let fragments: [Value]?
        let error: String?
        let short: Bool?

        enum CodingKeys: String, CodingKey {
            case tag, vr, length, value, items, fragments, error, short
            case rawVR = "raw_vr"
            case dictVR = "dict_vr"
        }
    }

    /// Value bytes in the file's byte order: as hex up to the script's limit, else a CRC-32.
    struct Value: Decodable, Sendable {
        let length: Int
        let hex: String?
        let crc32: UInt32?
        let head: String?
    }

    /// The repository's `scripts/pydicom-dump.py`, found from this source file's path.
    static let script: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/pydicom-dump.py")

    /// pydicom's view of the whole corpus, computed once per test process.
    static let corpus: Result<Output, Unavailable> = Result { () throws(Unavailable) in
        try dump(arguments: ["--corpus"])
    }

    /// The corpus file paths.
    static func corpusPaths() throws(Unavailable) -> [String] {
        let output = try run(arguments: ["--list"])
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The corpus files Apus reads (raw data sets allowed), with their paths; the few it
    /// refuses are left out.
    static func readableCorpusFiles() throws(Unavailable) -> [(path: String, file: DICOMFile)] {
        try corpusPaths().compactMap { path in
            (try? DICOMFile(contentsOf: path, options: ReadOptions(allowRawDataSet: true))).map { (path, $0) }
        }
    }

    /// pydicom's view of these files; `keepUN`: leave UN values as bytes (see the script).
    static func dump(paths: [String], keepUN: Bool = false) throws(Unavailable) -> Output {
        guard !paths.isEmpty else { return Output(pydicom: "", files: []) }
        return try dump(arguments: (keepUN ? ["--keep-un"] : []) + paths)
    }

    private static func dump(arguments: [String]) throws(Unavailable) -> Output {
        let output = try run(arguments: arguments)
        do {
            return try JSONDecoder().decode(Output.self, from: output)
        } catch {
            throw Unavailable(description: "pydicom-dump.py printed JSON the tests can't decode: \(error)")
        }
    }

    private static func run(arguments: [String]) throws(Unavailable) -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + arguments
        let output = Pipe()
        let errors = FileManager.default.temporaryDirectory
            .appendingPathComponent(
                "pydicom-dump-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        process.standardOutput = output
        do {
            process.standardError = try FileHandle(forWritingTo: errors)
            try process.run()
        } catch {
            throw Unavailable(description: "cannot run python3 \(script.path): \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw Unavailable(
                description: """
                    python3 \(script.lastPathComponent) \(arguments.prefix(3).joined(separator: " ")) failed \
                    (status \(process.terminationStatus)); the corpus tests need python3 with pydicom 3 and \
                    pydicom-data (pip install pydicom pydicom-data):
                    \(message)
                    """)
        }
        return data
    }
}
