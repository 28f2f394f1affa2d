import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Testing

/// Our SCP against DCMTK's SCUs (echoscu, storescu 3.6.7).
@Suite("Server ← DCMTK")
struct ServerDCMTKTests {
    @Test func echoscu() async throws {
        let echoscu = try Peers.dcmtk("echoscu")
        try await withServer { port in
            let result = try await PeerProcess.run([echoscu, "-aet", "ECHOSCU", "-aec", "APUS", "127.0.0.1", "\(port)"])
            #expect(result.status == 0, "\(result)")
        }
    }

    @Test func echoscuWrongCalledAETitleIsRejected() async throws {
        let echoscu = try Peers.dcmtk("echoscu")
        try await withServer { port in
            let result = try await PeerProcess.run([echoscu, "-aec", "NOT-APUS", "127.0.0.1", "\(port)"])
            #expect(result.status != 0)
            #expect(result.output.contains("Called AE Title Not Recognized"), "\(result)")
        }
    }

    @Test func echoscuCallingAETitleNotAllowed() async throws {
        let echoscu = try Peers.dcmtk("echoscu")
        var policy = testPolicy()
        policy.allowedCallingAETitles = ["CT1"]
        try await withServer(policy: policy) { port in
            let refused = try await PeerProcess.run([
                echoscu, "-aet", "INTRUDER", "-aec", "APUS", "127.0.0.1", "\(port)",
            ])
            #expect(refused.output.contains("Calling AE Title Not Recognized"), "\(refused)")
            let allowed = try await PeerProcess.run([echoscu, "-aet", "CT1", "-aec", "APUS", "127.0.0.1", "\(port)"])
            #expect(allowed.status == 0, "\(allowed)")
        }
    }

    /// pydicom's test files in the transfer syntaxes storescu sends without converting, and a
    /// 6 MB instance written by our writer, sent in one storescu run per compression (storescu
    /// proposes a compressed syntax only when told to), with a small PDU so that data sets span
    /// many. The storage service must receive exactly the data set bytes of each file.
    ///
    /// DCMTK re-encodes what it sends (explicit sequence lengths, no group lengths, no trailing
    /// padding), so the pydicom files are first written that way by dcmconv: the files storescu
    /// sends are then the files compared.
    @Test func storescuFilesArriveByteIdentical() async throws {
        let storescu = try Peers.dcmtk("storescu")
        let runs: [(flag: String?, names: [String])] = [
            (
                nil,
                [
                    "CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm", "rtplan.dcm", "rtdose.dcm", "test-SR.dcm",
                    "examples_overlay.dcm", "waveform_ecg.dcm", "reportsi.dcm", "SC_rgb_small_odd.dcm",
                ]
            ),
            ("-xy", ["SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_small_odd_jpeg.dcm", "examples_ybr_color.dcm"]),
            ("-xr", ["MR_small_RLE.dcm", "SC_rgb_rle_2frame.dcm"]),
            ("-xv", ["MR_small_jp2klossless.dcm", "examples_jpeg2k.dcm"]),
            ("-xw", ["JPEG2000.dcm"]),
            ("-xt", ["MR_small_jpeg_ls_lossless.dcm"]),
            ("-xs", ["SC_rgb_jpeg_gdcm.dcm"]),
        ]
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = RecordingStorage()
        var policy = testPolicy()
        policy.maximumPDULength = 16_384
        var sent: [String] = []
        let large = try writeLargeInstance(into: directory, pixelBytes: 6 * 1024 * 1024)
        try await withServer(policy: policy, storage: storage) { port in
            for run in runs {
                var files: [String] = []
                for name in run.names {
                    files.append(try await canonicalize(Peers.pydicomTestFile(name), into: directory))
                }
                if run.flag == nil { files.append(large) }
                let result = try await PeerProcess.run(
                    [storescu] + (run.flag.map { [$0] } ?? []) + [
                        "-aet", "STORESCU", "-aec", "APUS", "127.0.0.1", "\(port)",
                    ]
                        + files)
                #expect(result.status == 0, "\(run.names): \(result)")
                sent += files
            }
        }
        let received = storage.received
        // storescu sends the files in order (some of pydicom's share SOP instance UIDs).
        try #require(received.count == sent.count)
        for (file, instance) in zip(sent, received) {
            let meta = try DICOMFile(contentsOf: file).meta
            #expect(instance.request.affectedSOPInstanceUID.rawValue == meta.string(.mediaStorageSOPInstanceUID))
            let expected = try dataSetBytes(ofFile: file)
            #expect(
                instance.bytes == expected,
                "\(file): \(instance.bytes.readableBytes) bytes, expected \(expected.readableBytes)")
            #expect(instance.error == nil)
            #expect(instance.context.callingAETitle == "STORESCU")
            #expect(instance.transferSyntax.rawValue == meta.string(.transferSyntaxUID), "\(file)")
        }
        #expect(received.contains { $0.fragmentCount > 300 })
    }

    /// Big endian is not among the syntaxes we prefer: storescu converts to explicit little
    /// endian, and the data set is the same.
    @Test func storescuConvertsBigEndian() async throws {
        let storescu = try Peers.dcmtk("storescu")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try rewrite(Peers.pydicomTestFile("MR_small_bigendian.dcm"), into: directory)
        let storage = RecordingStorage()
        try await withServer(storage: storage) { port in
            let result = try await PeerProcess.run([storescu, "-aec", "APUS", "127.0.0.1", "\(port)", file])
            #expect(result.status == 0, "\(result)")
        }
        let instance = try #require(storage.received.first)
        #expect(instance.transferSyntax == .explicitVRLittleEndian)
        let received = try DataSet(decoding: instance.bytes, transferSyntax: .explicitVRLittleEndian)
        #expect(received == (try DICOMFile(contentsOf: file).dataSet))
    }

    @Test func storescuSeesTheServiceStatus() async throws {
        let storescu = try Peers.dcmtk("storescu")
        let storage = RecordingStorage(status: .outOfResources)
        try await withServer(storage: storage) { port in
            let result = try await PeerProcess.run(
                [storescu, "-v", "-aec", "APUS", "127.0.0.1", "\(port)", try Peers.pydicomTestFile("CT_small.dcm")])
            #expect(result.output.contains("Received Store Response (Refused: OutOfResources)"), "\(result)")
        }
    }
}
