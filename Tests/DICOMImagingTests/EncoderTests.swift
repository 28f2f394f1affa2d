import CZlib
import DICOMImaging
import Foundation
import Testing

/// The PNG and JPEG encoders: PNG's chunks, CRCs and filtered rows read back here with zlib,
/// and both formats decoded by Pillow (the peer) and compared with the pixels encoded — exactly
/// for PNG, within JPEG's loss for JPEG.
@Suite struct EncoderTests {
    /// Grey and RGB, sizes that are and are not multiples of the JPEG MCU, content from flat to
    /// noisy, so every PNG filter and every Huffman code length gets used.
    static let images: [(String, RenderedImage)] = {
        var images: [(String, RenderedImage)] = []
        for (width, height) in [(1, 1), (7, 3), (16, 16), (33, 17), (128, 96)] {
            for channels in [1, 3] {
                let smooth = (0..<(width * height * channels)).map { index -> UInt8 in
                    let pixel = index / channels
                    let (x, y) = (pixel % width, pixel / width)
                    return UInt8(
                        truncatingIfNeeded: (x * 255 / max(1, width - 1) + y * 3 + (index % channels) * 60) / 2)
                }
                images.append(
                    (
                        "smooth-\(width)x\(height)x\(channels)",
                        RenderedImage(width: width, height: height, channels: channels, pixels: smooth)
                    ))
                // Knuth's multiplicative hash of the index: no structure a predictor could use.
                let noise = (0..<(width * height * channels)).map {
                    UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13)
                }
                images.append(
                    (
                        "noise-\(width)x\(height)x\(channels)",
                        RenderedImage(width: width, height: height, channels: channels, pixels: noise)
                    ))
            }
        }
        return images
    }()

    @Test func pngChunksAndRowsReadBack() throws {
        for (name, image) in Self.images {
            let png = PNGEncoder().encode(image)
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            var offset = 8
            var types: [String] = []
            var compressed: [UInt8] = []
            while offset + 12 <= png.count {
                let length =
                    Int(png[offset]) << 24 | Int(png[offset + 1]) << 16 | Int(png[offset + 2]) << 8
                    | Int(png[offset + 3])
                let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
                let body = Array(png[(offset + 8)..<(offset + 8 + length)])
                let stored = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) {
                    $0 << 8 | UInt32($1)
                }
                let computed = Array(png[(offset + 4)..<(offset + 8 + length)]).withUnsafeBufferPointer {
                    UInt32(crc32(0, $0.baseAddress, uInt($0.count)))
                }
                #expect(stored == computed, "\(name) \(type) CRC")
                if type == "IDAT" { compressed += body }
                types.append(type)
                offset += 12 + length
            }
            #expect(types == ["IHDR", "IDAT", "IEND"] && offset == png.count, "\(name)")
            let stride = image.width * image.channels
            var raw = [UInt8](repeating: 0, count: (stride + 1) * image.height)
            var rawLength = uLongf(raw.count)
            let status = compressed.withUnsafeBufferPointer { source in
                uncompress(&raw, &rawLength, source.baseAddress, uLong(source.count))
            }
            #expect(status == Z_OK && Int(rawLength) == raw.count, "\(name)")
            #expect(Self.unfilter(raw, stride: stride, bpp: image.channels) == image.pixels, "\(name)")
        }
    }

    @Test func pillowDecodesPNGExactlyAndJPEGWithinItsLoss() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "apus-imaging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var manifest: [[String: Any]] = []
        var expectations: [String: (format: String, mode: String, limit: Double)] = [:]
        for (name, image) in Self.images {
            let raw = directory.appendingPathComponent("\(name).raw")
            try Data(image.pixels).write(to: raw)
            let mode = image.channels == 3 ? "RGB" : "L"
            var encodings: [(String, [UInt8], String, Double)] = [("png", PNGEncoder().encode(image), "PNG", 0)]
            // Smooth content keeps JPEG's error small at high quality; noise is JPEG's worst case,
            // checked only for being decodable at the right size.
            let smooth = name.hasPrefix("smooth")
            encodings.append(
                ("q95.jpg", JPEGEncoder(quality: 95, chroma: .full444).encode(image), "JPEG", smooth ? 3 : 255))
            encodings.append(("q75.jpg", JPEGEncoder(quality: 75).encode(image), "JPEG", smooth ? 8 : 255))
            for (suffix, bytes, format, limit) in encodings {
                let file = directory.appendingPathComponent("\(name).\(suffix)")
                try Data(bytes).write(to: file)
                manifest.append([
                    "file": file.path, "raw": raw.path, "width": image.width, "height": image.height,
                    "channels": image.channels,
                ])
                expectations[file.path] = (format, mode, limit)
            }
        }
        let manifestFile = directory.appendingPathComponent("manifest.json")
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestFile)
        let result = try await PythonPeer.run("decode_images.py", [manifestFile.path])
        #expect(result.status == 0, "\(result)")
        let lines = result.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.count == manifest.count, "\(result)")
        for line in lines {
            let file = line["file"] as? String ?? ""
            guard let expected = expectations[file] else { continue }
            #expect(line["format"] as? String == expected.format, "\(line)")
            #expect(line["mode"] as? String == expected.mode, "\(line)")
            let meanError = try #require(line["mean_error"] as? Double, "\(line)")
            if expected.limit == 0 {
                #expect(line["max_error"] as? Int == 0, "\(line)")
            } else {
                #expect(meanError <= expected.limit, "\(line)")
            }
        }
    }

    @Test func jpegQualityTradesSizeForError() {
        let image =
            Self.images.first { $0.0 == "smooth-128x96x3" }?.1
            ?? RenderedImage(width: 1, height: 1, channels: 1, pixels: [0])
        let small = JPEGEncoder(quality: 20).encode(image)
        let large = JPEGEncoder(quality: 95).encode(image)
        #expect(small.count < large.count)
        #expect(Array(small.prefix(2)) == [0xFF, 0xD8] && Array(small.suffix(2)) == [0xFF, 0xD9])
    }

    /// PNG's reconstruction (9.2–9.4), written independently of the encoder.
    static func unfilter(_ data: [UInt8], stride: Int, bpp: Int) -> [UInt8] {
        var output: [UInt8] = []
        var previous = [UInt8](repeating: 0, count: stride)
        var position = 0
        while position < data.count {
            let type = data[position]
            var line = Array(data[(position + 1)..<(position + 1 + stride)])
            for index in 0..<stride {
                let a = index >= bpp ? Int(line[index - bpp]) : 0
                let b = Int(previous[index])
                let c = index >= bpp ? Int(previous[index - bpp]) : 0
                let predictor: Int
                switch type {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                default:
                    let p = a + b - c
                    let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                }
                line[index] = UInt8(truncatingIfNeeded: Int(line[index]) + predictor)
            }
            output += line
            previous = line
            position += stride + 1
        }
        return output
    }
}
