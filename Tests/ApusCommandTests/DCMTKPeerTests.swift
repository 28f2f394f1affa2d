import DICOM
import Foundation
import Testing

@testable import apus

/// The `apus` binary against DCMTK's storescp: C-ECHO, and C-STORE checked byte for byte in
/// what storescp wrote (`+B`, bit-preserving: the data set as it came over the wire).
@Suite("apus echo and store → DCMTK storescp")
struct DCMTKPeerTests {
    @Test func echoPrintsEachRoundTrip() async throws {
        try await StoreSCP.withRunning([]) { scp in
            let result = try await ApusBinary.run(["echo", "127.0.0.1", String(scp.port), "--repeat", "3"])
            #expect(result.status == 0, "\(result.errors)")
            let lines = result.output.split(separator: "\n")
            #expect(lines.count == 4, "\(result.output)")
            for (index, line) in lines.prefix(3).enumerated() {
                #expect(line.hasPrefix("C-ECHO \(index + 1)/3 to ANY-SCP@127.0.0.1:\(scp.port): success in "))
                #expect(line.hasSuffix(" ms"))
            }
            #expect(lines.last?.hasPrefix("round trip: min ") == true)
        }
    }

    /// A directory tree with five transfer syntaxes and a text file: one association, each
    /// file in its own syntax, the text file skipped.
    @Test func storeSendsEveryFileInItsOwnSyntaxBitForBit() async throws {
        try await StoreSCP.withRunning(["+B", "+xa"]) { scp in
            let input = try TemporaryDirectory()
            let names = [
                "CT_small.dcm": "a.dcm", "MR_small_bigendian.dcm": "sub/b.dcm", "rtplan.dcm": "sub/c",
                "JPEG2000.dcm": "sub/deeper/d.dcm", "image_dfl.dcm": "sub/deeper/e.dcm",
            ]
            var originals: [DICOMFile] = []
            for (name, target) in names {
                originals.append(try DICOMFile(contentsOf: try input.copy(try Corpus.file(name), to: target)))
            }
            try "not DICOM".write(toFile: input.path + "/sub/notes.txt", atomically: true, encoding: .utf8)

            let result = try await ApusBinary.run(["store", "127.0.0.1", String(scp.port), input.path, "--json"])
            #expect(result.status == 0, "\(result.errors)")
            let summary = try StoreSummary(result.output)
            #expect(summary.files == 5 && summary.sent == 5 && summary.failed == 0 && summary.notSent == 0)
            #expect(summary.associations == 1 && summary.skipped == 1)
            #expect(summary.results.map(\.path) == [input.path + "/sub/notes.txt"])
            #expect(result.errors.contains("skipping \(input.path)/sub/notes.txt: not a DICOM Part 10 file"))

            let received = try Dictionary(
                uniqueKeysWithValues: scp.received.map { (try Part10Header.read(path: $0).sopInstance, $0) })
            #expect(received.count == 5)
            for original in originals {
                // storescp names the instance as the C-STORE does: by the data set's UID.
                let instance = original.dataSet.uid(.sopInstanceUID)
                let path = try #require(received[instance], "\(String(describing: instance)) not received")
                #expect(try Part10Header.read(path: path).transferSyntax == original.transferSyntax.uid)
                #expect(
                    try Part10Bytes.dataSet(ofFile: path)
                        == Part10Bytes.sent(original, in: original.transferSyntax.uid),
                    "\(path)")
            }
        }
    }

    /// storescp +xi takes Implicit VR Little Endian only: the explicit and big endian files go
    /// converted through the fallback context; JPEG 2000 cannot, and fails.
    @Test func refusedSyntaxesGoConvertedAndCompressedOnesFail() async throws {
        try await StoreSCP.withRunning(["+B", "+xi"]) { scp in
            let paths = try ["CT_small.dcm", "MR_small_bigendian.dcm", "JPEG2000.dcm"].map(Corpus.file)
            let result = try await ApusBinary.run(["store", "127.0.0.1", String(scp.port), "--json"] + paths)
            #expect(result.status == 1, "\(result.output) \(result.errors)")
            let summary = try StoreSummary(result.output)
            #expect(summary.sent == 2 && summary.failed == 1 && summary.exitCode == 1)
            let failure = try #require(summary.results.first)
            #expect(failure.path == paths[2] && failure.result == .failed && failure.status == nil)
            #expect(failure.reason?.contains("no presentation context for Secondary Capture Image Storage") == true)
            #expect(failure.reason?.contains("cannot be converted") == true)
            for path in paths.prefix(2) {
                let original = try DICOMFile(contentsOf: path)
                let received = try #require(
                    try scp.received.first {
                        try Part10Header.read(path: $0).sopInstance == original.dataSet.uid(.sopInstanceUID)
                    })
                #expect(try Part10Header.read(path: received).transferSyntax == .implicitVRLittleEndian)
                #expect(
                    try Part10Bytes.dataSet(ofFile: received) == Part10Bytes.sent(original, in: .implicitVRLittleEndian)
                )
            }
        }
    }

    @Test func rejectionHasItsExitCode() async throws {
        try await StoreSCP.withRunning(["--refuse"]) { refusing in
            let rejected = try await ApusBinary.run(["echo", "127.0.0.1", String(refusing.port)])
            #expect(rejected.status == ExitStatus.rejected.rawValue, "\(rejected.errors)")
            #expect(rejected.errors.contains("association rejected"))
        }
    }

    @Test func abortHasItsExitCode() async throws {
        try await StoreSCP.withRunning(["--abort-after"]) { aborting in
            let paths = try ["CT_small.dcm", "rtplan.dcm"].map(Corpus.file)
            let aborted = try await ApusBinary.run(["store", "127.0.0.1", String(aborting.port), "--json"] + paths)
            #expect(aborted.status == ExitStatus.aborted.rawValue, "\(aborted.output) \(aborted.errors)")
            let summary = try StoreSummary(aborted.output)
            #expect(summary.exitCode == 5 && summary.sent == 0 && summary.notSent == 2)
            #expect(summary.error?.contains("aborted") == true)
        }
    }
}
