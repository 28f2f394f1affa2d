import Archive
import DICOM
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// WADO-RS rendered resources and thumbnails, and WADO-URI's rendered content types: the
/// router's answers on generated data, and the pixels of pydicom's corpus files checked by a
/// peer (dicomweb-client, Pillow, numpy) over a real socket.
@Suite struct RenderedTests {
    /// Monochrome 1 and 2 (8, 12, 16 bits, signed and unsigned, rescale, Modality LUT, VOI LUT,
    /// enhanced multi-frame with functional groups), RGB (both planar configurations, 16-bit big
    /// endian), YBR_FULL and YBR_FULL_422, palette colour (8- and 16-bit entries), multi-frame,
    /// and a JPEG-compressed file that must be refused with a reason. gdcm-US-ALOKA-16.dcm is
    /// not here: its palette is segmented (PS3.3 C.7.9.2), which the renderer refuses (406) until
    /// segmented palettes are expanded.
    static let corpus = [
        "CT_small.dcm", "MR_small.dcm", "emri_small.dcm", "RG3_UNCR.dcm", "mlut_18.dcm",
        "vlut_04.dcm", "eCT_Supplemental.dcm", "examples_overlay.dcm", "color-pl.dcm", "US1_UNCR.dcm",
        "SC_rgb_expb_16bit_2frame.dcm", "SC_ybr_full_uncompressed.dcm", "SC_ybr_full_422_uncompressed.dcm",
        "examples_palette.dcm", "SC_rgb_small_odd.dcm", "SC_rgb_jpeg_dcmtk.dcm",
    ]

    @Test func pixelsMatchWhatNumpyComputesFromPydicom() async throws {
        let result = try await runPeerOnCorpus(Self.corpus, script: "rendered_checks.py")
        #expect(result.status == 0, "\(result)")
        #expect(result.output.contains(" passed, 0 failed"), "\(result)")
    }

    static let instance = GeneratedInstance(
        series: "1.2.826.0.1.3680043.10.1.1.7", sop: "1.2.826.0.1.3680043.10.1.1.7.1", frames: 3, rows: 48, columns: 64)
    static var path: String {
        "/dicom-web/studies/\(instance.study)/series/\(instance.series)/instances/\(instance.sop)"
    }

    @Test func renderedInstanceFramesAndThumbnails() async throws {
        try await withDICOMweb { archive, client in
            try await Self.instance.store(in: archive)
            var response = try await client.get("\(Self.path)/rendered")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/jpeg")
            #expect(Array(response.body.readableBytesView.prefix(2)) == [0xFF, 0xD8])
            response = try await client.get("\(Self.path)/rendered", accept: "image/png")
            #expect(response.headers[.contentType] == "image/png")
            #expect(Self.pngSize(response) == [64, 48])
            response = try await client.get("\(Self.path)/rendered?accept=image/png&viewport=32,32")
            #expect(Self.pngSize(response) == [32, 24])
            response = try await client.get("\(Self.path)/frames/2/rendered", accept: "image/*")
            #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg")
            response = try await client.get("\(Self.path)/frames/1,3/rendered", accept: "image/png")
            #expect(response.headers[.contentType]?.hasPrefix("multipart/related; type=\"image/png\"") == true)
            let parts = try #require(MultipartParts.parse(response.body, contentType: response.headers[.contentType]))
            #expect(parts.count == 2 && parts.allSatisfy { $0.headers["content-type"] == "image/png" })
            for resource in [
                Self.path, "/dicom-web/studies/\(Self.instance.study)",
                "/dicom-web/studies/\(Self.instance.study)/series/\(Self.instance.series)", "\(Self.path)/frames/3",
            ] {
                response = try await client.get("\(resource)/thumbnail", accept: "image/png")
                #expect(response.status == .ok, "\(resource)")
                #expect(Self.pngSize(response) == [128, 96], "\(resource)")
            }
            response = try await client.get("/dicom-web/studies/\(Self.instance.study)/rendered")
            #expect(response.headers[.contentType]?.hasPrefix("multipart/related; type=\"image/jpeg\"") == true)
            #expect(
                try #require(MultipartParts.parse(response.body, contentType: response.headers[.contentType])).count
                    == 1)
        }
    }

    @Test func badParametersAreRefusedWithTheirReason() async throws {
        try await withDICOMweb { archive, client in
            try await Self.instance.store(in: archive)
            for (query, reason) in [
                ("window=abc", "window=abc: must be center,width,function"),
                ("window=40,0.5,linear", "at least 1"),
                ("viewport=0,0", "viewport=0,0"),
                ("viewport=10", "viewport=10"),
                ("viewport=10,10,60,0,10,10", "does not lie inside"),
                ("viewport=9000,10", "8192"),
                ("quality=101", "quality=101"),
            ] {
                let response = try await client.get("\(Self.path)/rendered?\(query)")
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.text.contains(reason), "\(query): \(response.text)")
            }
            var response = try await client.get("\(Self.path)/frames/999/rendered")
            #expect(response.status == .badRequest)
            #expect(response.text.contains("frame 999 does not exist: the instance has 3"))
            response = try await client.get("\(Self.path)/frames/999/thumbnail")
            #expect(response.status == .badRequest)
            response = try await client.get("\(Self.path)/rendered", accept: "application/dicom")
            #expect(response.status == .notAcceptable)
            #expect(response.text.contains("rendered images are offered as image"))
            response = try await client.get("\(Self.path)/rendered?annotation=patient,technique&iccprofile=srgb")
            #expect(response.status == .ok)
            #expect(response.headers[values: .warning].count == 2)
            response = try await client.get("/dicom-web/studies/1.2.3/rendered")
            #expect(response.status == .notFound)
        }
    }

    @Test func compressedAndImagelessInstancesAreNotAcceptableWithAReason() async throws {
        try await withDICOMweb { archive, client in
            var dataSet = Self.instance.dataSet
            dataSet[.pixelData] = DataElement(
                tag: .pixelData, vr: .OB,
                value: .encapsulated(
                    EncapsulatedPixelData(
                        basicOffsetTable: ByteBuffer(), fragments: [ByteBuffer(bytes: [0xFF, 0xD8, 0xFF, 0xD9])])))
            dataSet.set(.numberOfFrames, vr: .IS, string: "1")
            let jpeg = TransferSyntax(uid: UID(unchecked: "1.2.840.10008.1.2.4.50"))
            let file = try DICOMFile(dataSet: dataSet, transferSyntax: jpeg).encoded()
            let result = try await archive.store(part10: file)
            guard case .stored = result else {
                Issue.record("not stored: \(result)")
                return
            }
            var response = try await client.get("\(Self.path)/rendered")
            #expect(response.status == .notAcceptable)
            #expect(response.text.contains("compressed") && response.text.contains("1.2.840.10008.1.2.4.50"))
            response = try await client.get(
                "/dicom-web/studies/\(Self.instance.study)/series/\(Self.instance.series)/rendered")
            #expect(response.status == .notAcceptable)
            response = try await client.get("\(Self.path)/thumbnail")
            #expect(response.status == .notAcceptable)
            // The stored instance is unchanged: its Part 10 bytes come back as stored.
            response = try await client.get(Self.path)
            let parts = try #require(MultipartParts.parse(response.body, contentType: response.headers[.contentType]))
            #expect(parts.first?.body == Array(file.readableBytesView))
        }
    }

    @Test func wadoURIRendersImages() async throws {
        try await withDICOMweb { archive, client in
            try await Self.instance.store(in: archive)
            let query =
                "requestType=WADO&studyUID=\(Self.instance.study)&seriesUID=\(Self.instance.series)&objectUID=\(Self.instance.sop)"
            var response = try await client.get("/wado?\(query)&contentType=image/png&columns=32&frameNumber=3")
            #expect(response.status == .ok && response.headers[.contentType] == "image/png")
            #expect(Self.pngSize(response) == [32, 24])
            response = try await client.get("/wado?\(query)&contentType=image/png&region=0,0,0.5,0.5")
            #expect(Self.pngSize(response) == [32, 24])
            response = try await client.get(
                "/wado?\(query)&contentType=image/jpeg&windowCenter=100&windowWidth=200&imageQuality=80")
            #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg")
            for bad in [
                "windowCenter=100", "windowCenter=a&windowWidth=3", "rows=0", "region=0.5,0,0.2,1", "frameNumber=9",
            ] {
                response = try await client.get("/wado?\(query)&contentType=image/png&\(bad)")
                #expect(response.status == .badRequest, "\(bad): \(response.text)")
            }
            response = try await client.get("/wado?\(query)&contentType=image/gif")
            #expect(response.status == .notAcceptable)
        }
    }

    @Test func capabilitiesListTheRenderedResources() async throws {
        try await withDICOMweb { _, client in
            let response = try await client.get("/dicom-web")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            let wado = try #require(object["wado-rs"] as? [String: Any])
            #expect(wado["rendered"] as? Bool == true)
            #expect((wado["resources"] as? [String])?.contains("…/instances/{instance}/thumbnail") == true)
            #expect(
                ((object["wado-uri"] as? [String: Any])?["contentType"] as? [String])?.contains("image/png") == true)
        }
    }

    /// Width and height from a PNG's IHDR.
    static func pngSize(_ response: TestResponse) -> [Int] {
        let bytes = Array(response.body.readableBytesView)
        guard bytes.count > 24, bytes[12..<16] == [0x49, 0x48, 0x44, 0x52] else { return [] }
        return [16, 20].map { offset in bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
    }
}
