import DICOM
import DICOMImaging
import NIOCore
import Testing

/// Stored values out of native pixel data: Bits Stored masking, High Bit, sign extension; colour
/// layouts; the greyscale pipeline's order (modality, VOI, MONOCHROME1 inversion).
@Suite struct PixelDecodingTests {
    @Test func bitsOutsideBitsStoredAreDroppedAndSignedValuesExtended() throws {
        // 12 bits stored in 16: the top nibble holds garbage (an overlay, say).
        let unsigned = TestImages.monochrome(
            rows: 1, columns: 4, bitsStored: 12, samples: [0xF000 | 0x0FFF, 0xA001, 0x0800, 0x0000])
        let module = try ImagePixelModule(dataSet: unsigned)
        let frame = try #require(PixelDataFrames(dataSet: unsigned).frames.first)
        #expect(try MonochromeFrame(frame: frame, module: module).values == [4095, 1, 2048, 0])
        let signed = TestImages.monochrome(
            rows: 1, columns: 4, bitsStored: 12, signed: true, samples: [0xF000 | 0x0FFF, 0xA001, 0x0800, 0x07FF])
        let signedFrame = try MonochromeFrame(
            frame: try #require(PixelDataFrames(dataSet: signed).frames.first),
            module: ImagePixelModule(dataSet: signed))
        #expect(signedFrame.values == [-1, 1, -2048, 2047])
        #expect(signedFrame.minimum == -2048 && signedFrame.maximum == 2047)
        // High Bit 13 with 12 bits stored: the value sits two bits up.
        let shifted = TestImages.monochrome(
            rows: 1, columns: 2, bitsStored: 12, highBit: 13, samples: [0x0FFF << 2 | 3, 5 << 2])
        let shiftedFrame = try MonochromeFrame(
            frame: try #require(PixelDataFrames(dataSet: shifted).frames.first),
            module: ImagePixelModule(dataSet: shifted))
        #expect(shiftedFrame.values == [4095, 5])
        // 8-bit signed and 32-bit signed.
        let byte = TestImages.monochrome(rows: 1, columns: 2, bitsAllocated: 8, signed: true, samples: [0xFF, 0x7F])
        #expect(
            try MonochromeFrame(
                frame: #require(PixelDataFrames(dataSet: byte).frames.first), module: ImagePixelModule(dataSet: byte)
            ).values == [-1, 127])
        let wide = TestImages.monochrome(
            rows: 1, columns: 2, bitsAllocated: 32, signed: true, samples: [-70000, 70000])
        #expect(
            try MonochromeFrame(
                frame: #require(PixelDataFrames(dataSet: wide).frames.first), module: ImagePixelModule(dataSet: wide)
            ).values == [-70000, 70000])
    }

    @Test func rescaleThenWindowThenInversion() throws {
        var dataSet = TestImages.monochrome(rows: 1, columns: 4, samples: [0, 1000, 1064, 2048])
        dataSet.set(.rescaleSlope, vr: .DS, string: "1")
        dataSet.set(.rescaleIntercept, vr: .DS, string: "-1024")
        dataSet.set(.windowCenter, vr: .DS, strings: ["40", "300"])
        dataSet.set(.windowWidth, vr: .DS, strings: ["400", "1500"])
        // The data set's first window: HU -1024 → 0, -24 → ((−24 − 39.5)/399 + 0.5)·255, 40, 1024 → 255.
        let expected = [-1024.0, -24, 40, 1024].map { hu -> UInt8 in
            let y = hu <= -160 ? 0 : hu > 239 ? 255 : ((hu - 39.5) / 399 + 0.5) * 255
            return UInt8((y + 0.5).rounded(.down))
        }
        #expect(try TestImages.render(dataSet).pixels == expected)
        // A requested window replaces it; MONOCHROME1 inverts what the window gives.
        let requested = try VOIWindow(center: 0, width: 2048, function: .linearExact)
        let windowed = try TestImages.render(dataSet, RenderingOptions(window: requested)).pixels
        #expect(windowed == [0, 125, 132, 255])
        dataSet.set(.photometricInterpretation, vr: .CS, string: "MONOCHROME1")
        #expect(try TestImages.render(dataSet, RenderingOptions(window: requested)).pixels == windowed.map { 255 - $0 })
    }

    @Test func withoutAWindowTheFrameRangeIsShown() throws {
        let dataSet = TestImages.monochrome(rows: 2, columns: 2, signed: true, samples: [-100, 0, 100, 300])
        let pixels = try TestImages.render(dataSet).pixels
        #expect(pixels.first == 0 && pixels.last == 255)
        #expect(pixels[1] == UInt8(((100.0 / 400) * 255 + 0.5).rounded(.down)))
        // A flat image is mid-grey, not a division by zero.
        #expect(
            try TestImages.render(TestImages.monochrome(rows: 1, columns: 3, samples: [7, 7, 7])).pixels == [
                128, 128, 128,
            ])
    }

    @Test func voiLUTSequenceWhenNoWindowIsGiven() throws {
        var dataSet = TestImages.monochrome(rows: 1, columns: 4, samples: [0, 1, 2, 50])
        var item = DataSet()
        item.set(.lutDescriptor, vr: .US, integers: [3, 0, 8])
        item.set(.lutData, vr: .OW, bytes: ByteBuffer(bytes: [0, 0, 128, 0, 255, 0]))
        dataSet.set(.voilutSequence, items: [item])
        #expect(try TestImages.render(dataSet).pixels == [0, 128, 255, 255])
    }

    @Test func colourLayoutsGiveTheSameRGB() throws {
        let triplets: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 200, 100, 50, 1, 2, 3]
        let interleaved = try TestImages.render(TestImages.color(rows: 2, columns: 3, triplets: triplets))
        let planar = try TestImages.render(TestImages.color(rows: 2, columns: 3, planar: 1, triplets: triplets))
        #expect(interleaved.channels == 3 && interleaved.pixels == triplets)
        #expect(planar.pixels == triplets)
        // YBR_FULL: grey stays grey, pure chroma follows the JFIF equations.
        let ybr = try TestImages.render(
            TestImages.color(rows: 1, columns: 2, photometric: "YBR_FULL", triplets: [128, 128, 128, 76, 85, 255]))
        #expect(Array(ybr.pixels[0..<3]) == [128, 128, 128])
        #expect(abs(Int(ybr.pixels[3]) - 255) <= 1 && ybr.pixels[4] <= 1 && ybr.pixels[5] <= 1)
    }

    @Test func paletteColourLooksUpEachIndex() throws {
        var dataSet = TestImages.monochrome(
            rows: 1, columns: 4, bitsAllocated: 8, photometric: "PALETTE COLOR", samples: [0, 1, 2, 9])
        for (descriptor, data, entries) in [
            (Tag.redPaletteColorLookupTableDescriptor, Tag.redPaletteColorLookupTableData, [0, 0xFF00, 0x8000]),
            (.greenPaletteColorLookupTableDescriptor, .greenPaletteColorLookupTableData, [0, 0, 0xFFFF]),
            (.bluePaletteColorLookupTableDescriptor, .bluePaletteColorLookupTableData, [0xFFFF, 0, 0]),
        ] {
            dataSet.set(descriptor, vr: .US, integers: [3, 0, 16])
            var bytes = ByteBuffer()
            for entry in entries { bytes.writeInteger(UInt16(entry), endianness: .little) }
            dataSet.set(data, vr: .OW, bytes: bytes)
        }
        let image = try TestImages.render(dataSet)
        #expect(image.pixels == [0, 0, 255, 255, 0, 0, 128, 255, 0, 128, 255, 0])
    }

    @Test func refusalsSayWhy() throws {
        var compressed = TestImages.monochrome(rows: 2, columns: 2, samples: [1, 2, 3, 4])
        compressed[.pixelData] = DataElement(
            tag: .pixelData, vr: .OB,
            value: .encapsulated(
                EncapsulatedPixelData(basicOffsetTable: ByteBuffer(), fragments: [ByteBuffer(bytes: [0xFF, 0xD8])])))
        let jpeg = TransferSyntax(uid: UID(unchecked: "1.2.840.10008.1.2.4.50"))
        #expect {
            try ImageRenderer.render(compressed, transferSyntax: jpeg)
        } throws: { error in
            "\(error)".contains("JPEG Baseline") && "\(error)".contains("cannot decode it yet")
        }
        let image = TestImages.monochrome(rows: 2, columns: 2, frames: 2, samples: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(throws: ImagingError.noSuchFrame(3, count: 2)) {
            try TestImages.render(image, RenderingOptions(frame: 3))
        }
        #expect(try TestImages.render(image, RenderingOptions(frame: 2)).pixels == [0, 85, 170, 255])
        var short = image
        short.set(.numberOfFrames, vr: .IS, string: "1")
        short.set(.rows, vr: .US, integers: [40])
        #expect(throws: ImagingError.self) { try TestImages.render(short) }
        var noPixels = image
        noPixels[.pixelData] = nil
        #expect(throws: ImagingError.noPixelData) { try TestImages.render(noPixels) }
        var strange = image
        strange.set(.photometricInterpretation, vr: .CS, string: "HSV")
        #expect(throws: ImagingError.self) { try TestImages.render(strange) }
        var wrongSamples = image
        wrongSamples.set(.bitsStored, vr: .US, integers: [17])
        #expect(throws: ImagingError.self) { try TestImages.render(wrongSamples) }
    }
}
