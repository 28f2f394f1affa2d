import DICOM
import Foundation
import NIOCore
import Testing

@testable import apus

/// The file meta information `apus store` reads to plan, without reading the data sets.
@Suite("apus store: Part 10 headers")
struct Part10HeaderTests {
    @Test(arguments: ["CT_small.dcm", "MR_small_bigendian.dcm", "rtplan.dcm", "JPEG2000.dcm", "image_dfl.dcm"])
    func sameAsTheReader(name: String) throws {
        let path = try Corpus.file(name)
        let file = try DICOMFile(contentsOf: path)
        let header = try Part10Header.read(path: path)
        #expect(header.sopClass == file.meta.uid(.mediaStorageSOPClassUID))
        #expect(header.sopInstance == file.meta.uid(.mediaStorageSOPInstanceUID))
        #expect(header.transferSyntax == file.transferSyntax.uid)
    }

    @Test func notDICOMAndBrokenMetaAreRefusedWithAReason() throws {
        let directory = try TemporaryDirectory()
        let text = directory.path + "/notes.txt"
        try "hello".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(throws: Part10Header.Refusal(description: "not a DICOM Part 10 file (no DICM prefix)")) {
            try Part10Header.read(path: text)
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try Corpus.file("CT_small.dcm")))
        let truncated = directory.path + "/truncated.dcm"
        try bytes.prefix(200).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: Part10Header.Refusal(description: "truncated")) { try Part10Header.read(path: truncated) }
        #expect(throws: Part10Header.Refusal.self) { try Part10Header.read(path: directory.path + "/missing.dcm") }
    }

    /// Meta information longer than the first read (a 20 kB private information element), and
    /// `DICM` without a preamble.
    @Test func longMetaAndNoPreamble() throws {
        var meta = DataSet()
        meta.set(.mediaStorageSOPClassUID, string: UID.ctImageStorage.rawValue)
        meta.set(.mediaStorageSOPInstanceUID, string: "2.25.7")
        meta.set(.transferSyntaxUID, string: UID.explicitVRLittleEndian.rawValue)
        meta.set(.privateInformationCreatorUID, string: "2.25.8")
        meta.set(.privateInformation, vr: .OB, bytes: ByteBuffer(repeating: 0x41, count: 20_000))
        var bytes = Array("DICM".utf8)
        bytes += Array(try meta.encoded(in: .explicitVRLittleEndian).readableBytesView)
        bytes += [0x08, 0x00, 0x16, 0x00, 0x55, 0x49, 0x02, 0x00, 0x31, 0x00]
        let expected = Part10Header(
            sopClass: .ctImageStorage, sopInstance: UID(unchecked: "2.25.7"), transferSyntax: .explicitVRLittleEndian)
        #expect(Part10Header.parse(Array(bytes.prefix(Part10Header.chunk)), complete: false) == .needsMore)
        #expect(Part10Header.parse(bytes, complete: true) == .header(expected))
        let directory = try TemporaryDirectory()
        let path = directory.path + "/long.dcm"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try Part10Header.read(path: path) == expected)
    }
}
