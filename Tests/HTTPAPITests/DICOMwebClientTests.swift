import Archive
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The read side of DICOMweb against dicomweb-client over a real socket, on pydicom's corpus:
/// QIDO-RS expectations, WADO-RS bytes, metadata and frames, all computed by the peer script
/// from pydicom's own reading of the files.
@Suite struct DICOMwebClientTests {
    /// Native and encapsulated (JPEG baseline, RLE), single- and multi-frame, without pixel
    /// data (RT Plan, SR), several studies and patients.
    static let corpus = [
        "CT_small.dcm", "MR_small.dcm", "emri_small_RLE.dcm", "SC_rgb_2frame.dcm", "SC_rgb_jpeg_dcmtk.dcm",
        "color3d_jpeg_baseline.dcm", "rtplan.dcm", "test-SR.dcm", "liver.dcm",
    ]

    @Test func dicomwebClientSearchesRetrievesAndReadsMetadata() async throws {
        let paths = try await PythonPeer.pydicomFiles(Self.corpus)
        try await withTemporaryArchive { archive in
            var stored: [String] = []
            for path in paths {
                let bytes = try ByteBuffer(bytes: Data(contentsOf: URL(fileURLWithPath: path)))
                if case .stored = try await archive.store(part10: bytes) { stored.append(path) }
            }
            #expect(stored.count == paths.count, "stored \(stored)")
            let storedPaths = stored
            // The server as `apus serve` runs it: dicomweb-client sends Host headers without the
            // port, which the bulk data URIs and RetrieveURLs must survive.
            let api = HTTPAPI(archive: archive, logger: Logger(label: "test"))
            try await api.application().test(.live) { client in
                let port = try #require(client.port)
                let result = try await PythonPeer.run(
                    "dicomweb_read_checks.py", ["http://127.0.0.1:\(port)/dicom-web"] + storedPaths)
                #expect(result.status == 0, "\(result)")
                #expect(result.output.contains(" passed, 0 failed"), "\(result)")
            }
        }
    }
}
