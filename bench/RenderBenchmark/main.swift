// Rendering benchmark: DICOMImaging against numpy + Pillow (libjpeg-turbo, zlib), in the same
// run, on the same pixels.
//
//   swift run -c release RenderBenchmark [--passes K] [--write DIRECTORY]
//
// `--write` also saves what was rendered (ct.jpg, ct.png, ct-thumbnail.jpg, rgb.jpg, rgb.png),
// to look at.
//
// Workloads: a generated 512×512 CT slice (12 bits stored, rescale, a window in the data set)
// and a 512×512 RGB image, each parsed from Part 10 bytes and rendered full size to JPEG
// (quality 90) and PNG, and to a 128×128 JPEG thumbnail. Median CPU time of K passes. Target (issue 5):
// a 512×512 CT frame to JPEG in a few milliseconds.
import DICOM
import DICOMImaging
import Foundation
import NIOCore

let arguments = CommandLine.arguments
let passes: Int = {
    guard let index = arguments.firstIndex(of: "--passes"), index + 1 < arguments.count,
        let value = Int(arguments[index + 1])
    else { return 50 }
    return max(1, value)
}()

func ctSlice(size: Int) -> (DataSet, [UInt16]) {
    var samples: [UInt16] = []
    let middle = Double(size) / 2
    for y in 0..<size {
        for x in 0..<size {
            let dx = Double(x) - middle
            let dy = Double(y) - middle
            let distance = (dx * dx + dy * dy).squareRoot() / middle
            let texture = Double((x * 7 + y * 3) % 50) / 50 * 30
            let hu = distance > 0.9 ? -1000 : distance > 0.8 ? 700 : 40 + texture
            samples.append(UInt16(hu + 1024))
        }
    }
    var dataSet = DataSet()
    dataSet.set(.sopClassUID, vr: .UI, string: "1.2.840.10008.5.1.4.1.1.2")
    dataSet.set(.sopInstanceUID, vr: .UI, string: "1.2.826.0.1.3680043.10.88.1")
    dataSet.set(.samplesPerPixel, vr: .US, integers: [1])
    dataSet.set(.photometricInterpretation, vr: .CS, string: "MONOCHROME2")
    dataSet.set(.rows, vr: .US, integers: [size])
    dataSet.set(.columns, vr: .US, integers: [size])
    dataSet.set(.bitsAllocated, vr: .US, integers: [16])
    dataSet.set(.bitsStored, vr: .US, integers: [12])
    dataSet.set(.highBit, vr: .US, integers: [11])
    dataSet.set(.pixelRepresentation, vr: .US, integers: [0])
    dataSet.set(.windowCenter, vr: .DS, string: "40")
    dataSet.set(.windowWidth, vr: .DS, string: "400")
    dataSet.set(.rescaleIntercept, vr: .DS, string: "-1024")
    dataSet.set(.rescaleSlope, vr: .DS, string: "1")
    var bytes = ByteBuffer()
    for sample in samples { bytes.writeInteger(sample, endianness: .little) }
    dataSet.set(.pixelData, vr: .OW, bytes: bytes)
    return (dataSet, samples)
}

func rgbImage(size: Int) -> (DataSet, [UInt8]) {
    var pixels: [UInt8] = []
    for y in 0..<size {
        for x in 0..<size {
            pixels += [UInt8(x * 255 / size), UInt8(y * 255 / size), UInt8((x ^ y) & 0xFF)]
        }
    }
    var dataSet = DataSet()
    dataSet.set(.sopClassUID, vr: .UI, string: "1.2.840.10008.5.1.4.1.1.7")
    dataSet.set(.sopInstanceUID, vr: .UI, string: "1.2.826.0.1.3680043.10.88.2")
    dataSet.set(.samplesPerPixel, vr: .US, integers: [3])
    dataSet.set(.photometricInterpretation, vr: .CS, string: "RGB")
    dataSet.set(.planarConfiguration, vr: .US, integers: [0])
    dataSet.set(.rows, vr: .US, integers: [size])
    dataSet.set(.columns, vr: .US, integers: [size])
    dataSet.set(.bitsAllocated, vr: .US, integers: [8])
    dataSet.set(.bitsStored, vr: .US, integers: [8])
    dataSet.set(.highBit, vr: .US, integers: [7])
    dataSet.set(.pixelRepresentation, vr: .US, integers: [0])
    dataSet.set(.pixelData, vr: .OB, bytes: ByteBuffer(bytes: pixels))
    return (dataSet, pixels)
}

/// CPU time of this thread, in milliseconds: what a rendering costs whatever else the machine
/// runs (wall time on a shared 2-core machine mostly measures the others).
func cpuMilliseconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1e6
}

/// Median CPU milliseconds of `passes` runs of `work`, and the size of what it made.
func measure(_ work: () throws -> [UInt8]) rethrows -> (milliseconds: Double, bytes: Int) {
    var timings: [Double] = []
    var size = 0
    for _ in 0..<passes {
        let start = cpuMilliseconds()
        size = try work().count
        timings.append(cpuMilliseconds() - start)
    }
    return (timings.sorted()[timings.count / 2], size)
}

let (ct, ctSamples) = ctSlice(size: 512)
let (rgb, rgbPixels) = rgbImage(size: 512)
let ctFile = try DICOMFile(dataSet: ct, transferSyntax: .explicitVRLittleEndian).encoded()
let rgbFile = try DICOMFile(dataSet: rgb, transferSyntax: .explicitVRLittleEndian).encoded()
let thumbnail = RenderingOptions(viewport: try Viewport(width: 128, height: 128))

// Each pass parses the Part 10 bytes, as the server does for every request.
func render(_ bytes: ByteBuffer, _ options: RenderingOptions = RenderingOptions()) throws -> RenderedImage {
    try ImageRenderer.render(DICOMFile(reading: bytes), options: options)
}
let rows: [(String, (milliseconds: Double, bytes: Int))] = [
    ("CT 512×512 → JPEG q90", try measure { JPEGEncoder(quality: 90).encode(try render(ctFile)) }),
    ("CT 512×512 → PNG", try measure { PNGEncoder().encode(try render(ctFile)) }),
    ("CT 512×512 → thumbnail 128 JPEG", try measure { JPEGEncoder(quality: 90).encode(try render(ctFile, thumbnail)) }),
    ("CT 512×512 → 8-bit only (no encoding)", try measure { try render(ctFile).pixels }),
    ("RGB 512×512 → JPEG q90 4:2:0", try measure { JPEGEncoder(quality: 90).encode(try render(rgbFile)) }),
    ("RGB 512×512 → PNG", try measure { PNGEncoder().encode(try render(rgbFile)) }),
]

// The reference: numpy windowing and Pillow's encoders on the same pixels, in a child process.
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apus-render-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
try Data(ctSamples.withUnsafeBytes { Array($0) }).write(to: directory.appendingPathComponent("ct.raw"))
try Data(rgbPixels).write(to: directory.appendingPathComponent("rgb.raw"))
let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("pillow_render.py").path
let process = Process()
process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
process.arguments = ["python3", script, directory.path, String(passes)]
let pipe = Pipe()
process.standardOutput = pipe
try process.run()
let output = pipe.fileHandleForReading.readDataToEndOfFile()
process.waitUntilExit()
let reference = (try? JSONSerialization.jsonObject(with: output) as? [String: Double]) ?? [:]

print("| workload | Apus CPU ms | Apus bytes | numpy + Pillow CPU ms |")
print("|---|---:|---:|---:|")
for (name, result) in rows {
    let pillow = reference[name].map { String(format: "%.2f", $0) } ?? "–"
    print("| \(name) | \(String(format: "%.2f", result.milliseconds)) | \(result.bytes) | \(pillow) |")
}
if let index = arguments.firstIndex(of: "--write"), index + 1 < arguments.count {
    let target = URL(fileURLWithPath: arguments[index + 1])
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
    let outputs: [(String, [UInt8])] = [
        ("ct.jpg", JPEGEncoder(quality: 90).encode(try render(ctFile))),
        ("ct.png", PNGEncoder().encode(try render(ctFile))),
        ("ct-thumbnail.jpg", JPEGEncoder(quality: 90).encode(try render(ctFile, thumbnail))),
        ("rgb.jpg", JPEGEncoder(quality: 90).encode(try render(rgbFile))),
        ("rgb.png", PNGEncoder().encode(try render(rgbFile))),
    ]
    for (name, bytes) in outputs { try Data(bytes).write(to: target.appendingPathComponent(name)) }
}
if process.terminationStatus != 0 { print("(the Pillow reference failed: python3 with numpy and pillow is needed)") }
