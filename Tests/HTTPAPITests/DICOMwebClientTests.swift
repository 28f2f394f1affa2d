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
        let result = try await runPeerOnCorpus(Self.corpus, script: "dicomweb_read_checks.py")
        #expect(result.status == 0, "\(result)")
        #expect(result.output.contains(" passed, 0 failed"), "\(result)")
    }
}
