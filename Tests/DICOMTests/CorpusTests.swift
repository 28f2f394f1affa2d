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
