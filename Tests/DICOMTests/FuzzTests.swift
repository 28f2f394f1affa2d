import Foundation
import NIOCore
import Testing

@testable import DICOM

/// Damaged and hostile input: every read ends in a value or a typed error, soon, without
/// trapping. What Apus reads it can write, and read back the same.
@Suite("fuzz")
struct FuzzTests {
    /// Small corpus files, one of each kind: implicit and explicit, big endian, deflated,
    /// encapsulated, raw data sets without meta, UN sequences, private sequences, DICOMDIRs.
    static let seeds = [
        "nested_priv_SQ.dcm", "priv_SQ.dcm", "meta_missing_tsyntax.dcm", "no_meta_group_length.dcm",
        "ExplVR_BigEndNoMeta.dcm", "ExplVR_LitEndNoMeta.dcm", "UN_sequence.dcm", "SC_rgb_small_odd_big_endian.dcm",
        "rtdose_1frame.dcm", "rtdose_expb_1frame.dcm", "SC_rgb_rle_2frame.dcm", "rtplan.dcm", "reportsi.dcm",
        "JPEG2000-embedded-sequence-delimiter.dcm", "image_dfl.dcm", "DICOMDIR-implicit", "DICOMDIR-bigEnd",
    ]
    /// 320 a seed keeps the test near 10 s in a debug build; set APUS_FUZZ_CASES_PER_SEED for
    /// a longer hunt (and APUS_FUZZ_SEED for other inputs).
    static let casesPerSeed = ProcessInfo.processInfo.environment["APUS_FUZZ_CASES_PER_SEED"].flatMap(Int.init) ?? 320
    static let seed = ProcessInfo.processInfo.environment["APUS_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x4150_5553
    static let options = [
        ReadOptions(maximumInflatedSize: 1 << 24),
        ReadOptions(allowRawDataSet: true, maximumInflatedSize: 1 << 24),
    ]

    @Test("damaged corpus files end in a value or a typed error")
    func damagedCorpusFiles() throws {
        let paths = try PydicomDump.corpusPaths()
        var generator = SplitMix64(seed: Self.seed)
        var outcome = FuzzOutcome()
        for name in Self.seeds {
            let path = try #require(paths.first { $0.hasSuffix("/" + name) }, "\(name) is missing from the corpus")
            let original = Array(try FileBytes.read(path: path).readableBytesView)
            for index in 0..<Self.casesPerSeed {
                let damaged = Mutator.mutate(original, using: &generator)
                outcome.run(damaged, options: Self.options[index % 2], label: "\(name) case \(index)")
            }
        }
        print("fuzz: \(outcome.summary)")
        #expect(outcome.cases >= 5000 || Self.casesPerSeed < 320)
        for failure in outcome.failures { Issue.record(Comment(rawValue: failure)) }
    }

    @Test("every prefix of a file is a value or a typed error")
    func everyPrefix() throws {
        let paths = try PydicomDump.corpusPaths()
        var outcome = FuzzOutcome()
        for name in ["rtplan.dcm", "SC_rgb_rle_2frame.dcm", "image_dfl.dcm"] {
            let path = try #require(paths.first { $0.hasSuffix("/" + name) })
            let original = Array(try FileBytes.read(path: path).readableBytesView)
            for length in stride(from: 0, to: original.count, by: name == "rtplan.dcm" ? 1 : 7) {
                outcome.run(
                    Array(original[..<length]), options: Self.options[length % 2], label: "\(name) cut at \(length)")
            }
        }
        print("prefixes: \(outcome.summary)")
        for failure in outcome.failures { Issue.record(Comment(rawValue: failure)) }
    }
}

/// Reads one input, and writes and reads back what was read; counts and collects failures.
struct FuzzOutcome {
    private(set) var cases = 0
    private(set) var values = 0
    private(set) var errors = 0
    private(set) var slowest = Duration.zero
    private(set) var failures: [String] = []
    private let clock = ContinuousClock()
    /// Far above what any of these small inputs needs, even in a debug build on a busy machine.
    static let timeLimit = Duration.seconds(2)

    var summary: String {
        "\(cases) cases, \(values) read, \(errors) typed errors, slowest \(slowest.formatted(.units(allowed: [.milliseconds])))"
    }

    mutating func run(_ bytes: [UInt8], options: ReadOptions, label: String) {
        cases += 1
        let input = ByteBuffer(bytes: bytes)
        var result: Result<DICOMFile, DICOMReadError> = .failure(.notPart10(reason: ""))
        let elapsed = clock.measure {
            result = Result { () throws(DICOMReadError) in try DICOMFile(reading: input, options: options) }
        }
        slowest = max(slowest, elapsed)
        if elapsed > Self.timeLimit { failures.append("\(label): \(elapsed) to read \(bytes.count) bytes") }
        switch result {
        case .failure:
            errors += 1
        case .success(let file):
            values += 1
            roundTrip(file, label: label)
        }
    }

    /// What was read can be written (or the writer says why not, typed) and read back the same.
    private mutating func roundTrip(_ file: DICOMFile, label: String) {
        let written: ByteBuffer
        do {
            written = try file.encoded()
        } catch {
            return  // a typed DICOMWriteError: fine
        }
        do {
            let back = try DICOMFile(reading: written, options: ReadOptions(maximumInflatedSize: 1 << 24))
            var comparison = RoundTripComparison(target: file.transferSyntax)
            comparison.compare(file.dataSet, back.dataSet, path: "")
            if let difference = comparison.differences.first {
                failures.append("\(label): round trip changed \(difference)")
            }
        } catch {
            failures.append("\(label): Apus can't read back what it wrote from it: \(error)")
        }
    }
}
