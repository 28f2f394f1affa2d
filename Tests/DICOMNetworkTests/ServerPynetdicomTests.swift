import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Testing

/// Our SCP against pynetdicom 3's SCU (Peers/pynetdicom_scu.py).
@Suite("Server ← pynetdicom")
struct ServerPynetdicomTests {
    func scu(_ port: Int, _ arguments: [String], called: String = "APUS") async throws -> PeerProcess.Result {
        try Peers.requirePynetdicom()
        return try await PeerProcess.run(
            Peers.pythonScript("pynetdicom_scu.py") + ["127.0.0.1", "\(port)", called] + arguments)
    }

    @Test func echo() async throws {
        try await withServer { port in
            let result = try await scu(port, ["echo"])
            #expect(result.status == 0, "\(result)")
            #expect(result.output.contains("echo 0x0000"), "\(result)")
            let rejected = try await scu(port, ["echo"], called: "NOBODY")
            #expect(rejected.output.contains("association rejected"), "\(rejected)")
        }
    }

    /// pynetdicom sends each file's data set bytes as they are on disk, group lengths and
    /// trailing padding included: the service receives the file's bytes exactly.
    @Test func storeOriginalCorpusFiles() async throws {
        let names = [
            "CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "JPEG2000.dcm",
            "MR_small_RLE.dcm", "SC_rgb_jpeg_dcmtk.dcm", "examples_overlay.dcm", "rtplan.dcm", "liver_1frame.dcm",
            "image_dfl.dcm", "waveform_ecg.dcm",
        ]
        let files = try names.map(Peers.pydicomTestFile)
        let storage = RecordingStorage()
        var policy = testPolicy()
        policy.maximumPDULength = 8_192
        try await withServer(policy: policy, storage: storage) { port in
            let result = try await scu(port, ["store"] + files)
            #expect(result.status == 0, "\(result)")
            #expect(result.output.components(separatedBy: " 0x0000").count - 1 == files.count, "\(result)")
        }
        let received = storage.received
        try #require(received.count == files.count)
        for (file, instance) in zip(files, received) {
            #expect(instance.bytes == (try dataSetBytes(ofFile: file)), "\(file)")
            #expect(
                instance.transferSyntax.rawValue == (try DICOMFile(contentsOf: file).meta.string(.transferSyntaxUID)))
            #expect(instance.context.callingAETitle == "PYNETDICOM")
        }
    }

    @Test func find() async throws {
        try await withServer(query: FixedQuery(count: 4)) { port in
            let result = try await scu(port, ["find"])
            #expect(result.output.contains("find 4 0x0000"), "\(result)")
            #expect(result.output.contains("match Patient^3"), "\(result)")
        }
    }
}
