@testable import DICOM
import Foundation
import NIOCore
import Testing

/// Apus's Part 10 reader against pydicom's, on every file of pydicom's test corpus
/// (pydicom 3 and pydicom-data; `scripts/pydicom-dump.py` prints pydicom's view).
@Suite("pydicom corpus")
struct CorpusTests {
    @Test("pydicom and its corpus are installed")
    func pydicomIsAvailable() throws {
        let dump = try Pydicom.corpus.get()
        #expect(dump.pydicom.hasPrefix("3."))
        #expect(dump.files.count > 200, "pydicom-data's files are missing: pip install pydicom-data")
    }

    @Test("every corpus file reads as pydicom reads it")
    func readsLikePydicom() throws {
        let dump = try Pydicom.corpus.get()
        var report = CorpusReport()
        for file in dump.files {
            report.check(file)
        }
        print(report.summary)
        for failure in report.failures {
            Issue.record(Comment(rawValue: failure))
        }
    }

    @Test("every readable file round-trips through the writer, in its own and every uncompressed syntax")
    func roundTrips() throws {
        var report = WriteReport()
        for (file, apus) in try Self.readableFiles() {
            for syntax in Self.syntaxes(for: apus) {
                guard let written = report.encode(apus, in: syntax, name: file.name) else { continue }
                let back: DICOMFile
                do {
                    back = try DICOMFile(reading: written)
                } catch {
                    report.failures.append("\(file.name) in \(syntax.uid): Apus can't read what it wrote: \(error)")
                    continue
                }
                report.filesCompared += 1
                if back.transferSyntax != syntax {
                    report.failures.append("\(file.name) in \(syntax.uid): read back as \(back.transferSyntax.uid)")
                }
                var meta = RoundTripComparison(target: .explicitVRLittleEndian, isMeta: true)
                meta.compare(apus.metaInformation(for: syntax), back.meta, path: "")
                var body = RoundTripComparison(target: syntax)
                body.compare(apus.dataSet, back.dataSet, path: "")
                for comparison in [meta, body] {
                    report.elementsCompared += comparison.elementsCompared
                    report.failures += comparison.differences.map { "\(file.name) in \(syntax.uid): \($0)" }
                }
            }
        }
        print("round trip: \(report.summary)")
        for failure in report.failures { Issue.record(Comment(rawValue: failure)) }
    }

    @Test("pydicom reads what Apus writes as Apus holds it")
    func pydicomReadsWhatApusWrites() throws {
        let directory = try TemporaryDirectory()
        var report = WriteReport()
        var written: [(path: String, file: DICOMFile, syntax: TransferSyntax)] = []
        for (index, (file, apus)) in try Self.readableFiles().enumerated() {
            // Every file in its own syntax; every third native one in the other uncompressed ones.
            let syntaxes = Self.syntaxes(for: apus)
            for syntax in index % 3 == 0 ? syntaxes : Array(syntaxes.prefix(1)) {
                guard let bytes = report.encode(apus, in: syntax, name: file.name) else { continue }
                let path = directory.path(for: "\(index)-\(syntax.uid).dcm")
                try directory.write(bytes, to: path)
                written.append((path, apus, syntax))
            }
        }
        // pydicom would parse UN values of sequences it knows in big endian, where PS3.5
        // §6.2.2 says implicit VR little endian (Apus writes them unchanged): keep them UN there.
        let bigEndian = written.filter { !$0.syntax.isLittleEndian }
        written = written.filter(\.syntax.isLittleEndian) + bigEndian
        let views = try Pydicom.dump(paths: written.prefix(written.count - bigEndian.count).map(\.path)).files
            + Pydicom.dump(paths: bigEndian.map(\.path), keepUN: true).files
        try #require(views.count == written.count)
        var ambiguous = 0
        for (view, (path, apus, syntax)) in zip(views, written) {
            guard view.strict == nil, !view.isShort else {
                report.failures.append("\(path): pydicom can't read what Apus wrote: \(view.strict ?? view.warnings.joined())")
                continue
            }
            report.filesCompared += 1
            var rules = PydicomComparison.Rules(littleEndian: true, allowPadding: true, ignoreGroupLengths: true)
            var meta = PydicomComparison(rules: rules)
            meta.compare(apus.metaInformation(for: syntax), with: view.meta ?? [], path: "")
            rules.littleEndian = syntax.isLittleEndian
            var body = PydicomComparison(rules: rules, vrIsWritten: syntax.isExplicitVR)
            body.compare(apus.dataSet, with: view.dataset ?? [], path: "")
            for comparison in [meta, body] {
                report.elementsCompared += comparison.elementsCompared
                ambiguous += comparison.ambiguousVRs.count + comparison.dictionaryGaps.count
                report.failures += comparison.differences.map { "\(path) (\(syntax.uid)): \($0)" }
            }
        }
        print("pydicom reads Apus's files: \(report.summary); \(ambiguous) VRs left to pydicom's dictionary")
        for failure in report.failures { Issue.record(Comment(rawValue: failure)) }
    }

    @Test("DCMTK's dcmdump reads what Apus writes without a warning")
    func dcmdumpReadsWhatApusWrites() throws {
        let dcmdump = try #require(
            ["/usr/bin/dcmdump", "/usr/local/bin/dcmdump"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "dcmdump not found: apt-get install dcmtk")
        let directory = try TemporaryDirectory()
        var report = WriteReport()
        // A native file with sequences in each uncompressed syntax, and encapsulated files as they are.
        let files = try Self.readableFiles()
        let native = try #require(files.first { $0.0.name == "rtplan.dcm" }?.1)
        var samples = TransferSyntax.uncompressed.map { (name: "rtplan.dcm", file: native, syntax: $0) }
        for name in ["JPEG2000.dcm", "SC_rgb_rle_2frame.dcm", "emri_small_jpeg_2k_lossless.dcm"] {
            let file = try #require(files.first { $0.0.name == name }?.1, "\(name) is missing from the corpus")
            samples.append((name, file, file.transferSyntax))
        }
        for (index, sample) in samples.enumerated() {
            guard let bytes = report.encode(sample.file, in: sample.syntax, name: sample.name) else { continue }
            let path = directory.path(for: "\(index).dcm")
            try directory.write(bytes, to: path)
            let (status, output) = try Self.run(dcmdump, arguments: ["-dc", path])
            let complaints = output.split(separator: "\n").filter { $0.hasPrefix("E:") || $0.hasPrefix("W:") }
            #expect(status == 0 && complaints.isEmpty, "dcmdump \(sample.name) in \(sample.syntax.uid): \(complaints)")
            report.filesCompared += 1
        }
        for failure in report.failures { Issue.record(Comment(rawValue: failure)) }
    }
}

extension CorpusTests {
    /// The corpus files that both pydicom and Apus read whole, with what Apus read.
    static func readableFiles() throws -> [(Pydicom.File, DICOMFile)] {
        try Pydicom.corpus.get().files.compactMap { file in
            guard file.readable, !file.isShort, knownDifferences[file.name] == nil else { return nil }
            let options = ReadOptions(allowRawDataSet: file.strict != nil)
            return (try? DICOMFile(contentsOf: file.path, options: options)).map { (file, $0) }
        }
    }

    /// The file's own transfer syntax, then, when its pixel data is native (or absent), the
    /// other uncompressed ones.
    static func syntaxes(for file: DICOMFile) -> [TransferSyntax] {
        if case .encapsulated = file.dataSet[.pixelData]?.value { return [file.transferSyntax] }
        return [file.transferSyntax] + TransferSyntax.uncompressed.filter { $0 != file.transferSyntax }
    }

    static func run(_ executable: String, arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// Counts and failures of the writer tests.
struct WriteReport {
    var failures: [String] = []
    var filesCompared = 0
    var elementsCompared = 0

    var summary: String { "\(filesCompared) files written and compared (\(elementsCompared) elements)" }

    mutating func encode(_ file: DICOMFile, in syntax: TransferSyntax, name: String) -> ByteBuffer? {
        do {
            return try file.encoded(in: syntax)
        } catch {
            failures.append("\(name): can't write in \(syntax.uid): \(error)")
            return nil
        }
    }
}

/// What reading the corpus found: per-file failures and the counts the summary prints.
struct CorpusReport {
    private(set) var failures: [String] = []
    private(set) var filesCompared = 0
    private(set) var filesRefused = 0
    private(set) var elementsCompared = 0
    private(set) var ambiguousVRs: [String] = []
    private(set) var dictionaryGaps: [String] = []

    var summary: String {
        """
        corpus: \(filesCompared) files compared element by element (\(elementsCompared) elements), \
        \(filesRefused) refused with a typed error as expected; \(ambiguousVRs.count) ambiguous VRs \
        accepted, \(dictionaryGaps.count) elements UN for want of a dictionary entry
        \(ambiguousVRs.map { "  accepted: \($0)" }.joined(separator: "\n"))
        """
    }

    mutating func check(_ file: Pydicom.File) {
        let strict = Result { () throws(DICOMReadError) in try DICOMFile(contentsOf: file.path) }
        let raw = Result { () throws(DICOMReadError) in
            try DICOMFile(contentsOf: file.path, options: ReadOptions(allowRawDataSet: true))
        }
        if let known = CorpusTests.knownDifferences[file.name] {
            check(file, known: known, strict: strict, raw: raw)
            return
        }
        if !file.readable || file.isShort {
            // pydicom can't read it, or read a partial data set of a file that ends early
            // (for text files read with force, one element of nonsense length): Apus refuses.
            guard case .failure = raw else {
                failures.append("\(file.path): pydicom \(file.readable ? "read a truncated file" : "fails"), Apus reads it")
                return
            }
            if file.isShort, case .failure(let error) = raw, !error.isTruncation {
                failures.append("\(file.path): truncated, Apus says \(error)")
            }
            filesRefused += 1
            return
        }
        let result: Result<DICOMFile, DICOMReadError>
        if file.strict == nil {
            result = strict
        } else {
            // pydicom needed force=True: Apus must refuse it as Part 10 and read it raw.
            if case .success = strict {
                failures.append("\(file.path): pydicom needs force, Apus reads it as Part 10")
            }
            result = raw
        }
        switch result {
        case .failure(let error):
            failures.append("\(file.path): pydicom reads it, Apus: \(error)")
        case .success(let apus):
            compare(apus, with: file)
        }
    }

    private mutating func check(
        _ file: Pydicom.File, known: CorpusTests.KnownDifference, strict: Result<DICOMFile, DICOMReadError>,
        raw: Result<DICOMFile, DICOMReadError>
    ) {
        switch known {
        case .apusRefuses(let expected, _):
            guard case .failure(let error) = file.strict == nil ? strict : raw else {
                failures.append("\(file.path): listed as refused by Apus, but Apus reads it")
                return
            }
            if !expected(error) { failures.append("\(file.path): refused with an unexpected error: \(error)") }
            filesRefused += 1
        }
    }

    private mutating func compare(_ apus: DICOMFile, with file: Pydicom.File) {
        filesCompared += 1
        if let syntax = file.transferSyntax, syntax != apus.transferSyntax.uid.rawValue {
            failures.append("\(file.path): transfer syntax \(apus.transferSyntax.uid), pydicom \(syntax)")
        }
        var meta = PydicomComparison(rules: .init(littleEndian: true))
        meta.compare(apus.meta, with: file.meta ?? [], path: "")
        var body = PydicomComparison(rules: .init(littleEndian: file.littleEndian ?? true))
        body.compare(apus.dataSet, with: file.dataset ?? [], path: "")
        for comparison in [meta, body] {
            elementsCompared += comparison.elementsCompared
            ambiguousVRs += comparison.ambiguousVRs.map { "\(file.name) \($0)" }
            dictionaryGaps += comparison.dictionaryGaps.map { "\(file.name) \($0)" }
            failures += comparison.differences.map { "\(file.path): \($0)" }
        }
    }
}

extension CorpusTests {
    /// Files where Apus deliberately differs from pydicom, each with the reason.
    enum KnownDifference {
        case apusRefuses(_ expected: @Sendable (DICOMReadError) -> Bool, because: String)
    }

    static let knownDifferences: [String: KnownDifference] = [:]
}

extension DICOMReadError {
    var isTruncation: Bool {
        if case .truncated = self { return true }
        return false
    }
}
