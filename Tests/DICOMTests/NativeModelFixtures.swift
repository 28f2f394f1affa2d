import DICOM
import Foundation
import NIOCore

/// Data sets and helpers shared by the JSON and XML model tests.
enum NativeModelFixtures {
    static let privateCreatorTag = Tag(0x0009, 0x0010)
    static let privateTag = Tag(0x0009, 0x1001)
    static let sequenceTag = Tag(0x0008, 0x1115)
    static let nestedSequenceTag = Tag(0x0008, 0x114A)
    static let blobTag = Tag(0x0042, 0x0011)

    /// One element of each of the 34 VRs, with multi-valued, empty and non-ASCII values.
    static func everyVR() -> DataSet {
        var dataSet = DataSet()
        dataSet.set(.specificCharacterSet, vr: .CS, string: "ISO_IR 192")
        dataSet.set(Tag(0x0008, 0x0054), vr: .AE, strings: ["STORESCP", "ARCHIVE"])
        dataSet.set(Tag(0x0010, 0x1010), vr: .AS, string: "042Y")
        dataSet.set(Tag(0x0028, 0x0009), attributeTags: [Tag(0x0018, 0x1063), Tag(0x0018, 0x1065)])
        dataSet.set(Tag(0x0008, 0x0008), vr: .CS, strings: ["ORIGINAL", "", "AXIAL"])
        dataSet.set(Tag(0x0008, 0x0020), vr: .DA, string: "20240131")
        dataSet.set(Tag(0x0028, 0x0030), vr: .DS, strings: ["0.5", "+1.50", "-.25", "1E3"])
        dataSet.set(Tag(0x0008, 0x002A), vr: .DT, string: "20240131120000.000000+0100")
        dataSet.set(Tag(0x0018, 0x9087), vr: .FD, doubles: [1.5, -2.25e-10, .nan])
        dataSet.set(Tag(0x0018, 0x9445), vr: .FL, doubles: [0.1, -.infinity])
        dataSet.set(Tag(0x0020, 0x0013), vr: .IS, string: "+0012")
        dataSet.set(Tag(0x0010, 0x0020), vr: .LO, strings: ["ID-1", "Müller"])
        dataSet.set(Tag(0x0010, 0x4000), vr: .LT, string: "line 1\r\nline 2 \\ \"quoted\" \t tab")
        dataSet.set(blobTag, vr: .OB, bytes: ByteBuffer(bytes: [1, 2, 3, 4, 5]))
        dataSet.set(Tag(0x7FE0, 0x0009), vr: .OD, bytes: bytes(of: [1.0, 2.0] as [Double]))
        dataSet.set(Tag(0x7FE0, 0x0008), vr: .OF, bytes: bytes(of: [1.0, 2.0] as [Float]))
        dataSet.set(Tag(0x0066, 0x0040), vr: .OL, bytes: ByteBuffer(bytes: [1, 0, 0, 0]))
        dataSet.set(Tag(0x0066, 0x0129), vr: .OV, bytes: ByteBuffer(bytes: [1, 0, 0, 0, 0, 0, 0, 0]))
        dataSet.set(Tag(0x0028, 0x1201), vr: .OW, bytes: ByteBuffer(bytes: [0x34, 0x12, 0x78, 0x56]))
        dataSet.set(Tag(0x0010, 0x0010), vr: .PN, string: "Yamada^Tarou=山田^太郎=やまだ^たろう")
        dataSet.set(Tag(0x0008, 0x1070), vr: .PN, strings: ["Smith^John^^Dr.", "", "=Ideographic"])
        dataSet.set(Tag(0x0008, 0x0050), vr: .SH, string: "ACC-42")
        dataSet.set(Tag(0x0018, 0x6020), vr: .SL, integers: [-70000, 5])
        dataSet.set(Tag(0x0028, 0x0106), vr: .SS, integers: [-2])
        dataSet.set(Tag(0x0008, 0x0081), vr: .ST, string: "1 Main Street, \u{1}control")
        dataSet.set(Tag(0x0072, 0x0082), vr: .SV, integers: [-5, 1 << 60])
        dataSet.set(Tag(0x0008, 0x0030), vr: .TM, string: "120000.5")
        dataSet.set(Tag(0x0008, 0x0119), vr: .UC, strings: ["unlimited", "characters"])
        dataSet.set(.sopInstanceUID, vr: .UI, string: "1.2.3.4.5")
        dataSet.set(Tag(0x0008, 0x0120), vr: .UR, string: "http://example.com/a?b=c&d=\"e\"")
        dataSet.set(Tag(0x0028, 0x0008), vr: .UL, integers: [4_000_000_000])
        dataSet.set(Tag(0x0028, 0x0010), vr: .US, integers: [512, 65535])
        dataSet.set(Tag(0x0040, 0xA160), vr: .UT, string: "Unicode: 😀 \\ </Value> & <tag>")
        var unsignedVeryLong = ByteBuffer()
        unsignedVeryLong.writeInteger(UInt64(9), endianness: .little)
        unsignedVeryLong.writeInteger(UInt64.max, endianness: .little)
        dataSet.set(Tag(0x0072, 0x0083), vr: .UV, bytes: unsignedVeryLong)
        dataSet.set(Tag(0x0011, 0x0010), vr: .UN, bytes: ByteBuffer(bytes: [0xDE, 0xAD, 0xBE, 0xEF]))
        dataSet.set(Tag(0x0010, 0x0030), vr: .DA, strings: [])
        dataSet.set(privateCreatorTag, vr: .LO, string: "ACME 1.0")
        dataSet.set(privateTag, vr: .LO, string: "private value")
        dataSet.set(Tag(0x0008, 0x0000), vr: .UL, integers: [1234])
        dataSet.set(sequenceTag, items: [item(depth: 2), DataSet()])
        dataSet.set(Tag(0x0040, 0x0275), items: [])
        return dataSet
    }

    /// An item holding text, a binary value and, while depth lasts, another sequence.
    static func item(depth: Int) -> DataSet {
        var dataSet = DataSet()
        dataSet.set(Tag(0x0008, 0x1150), vr: .UI, string: "1.2.840.10008.5.1.4.1.1.2")
        dataSet.set(Tag(0x0008, 0x1155), vr: .UI, string: "1.2.3.\(depth)")
        dataSet.set(Tag(0x0010, 0x0010), vr: .PN, string: "Nested^Name\(depth)")
        dataSet.set(blobTag, vr: .OB, bytes: ByteBuffer(repeating: UInt8(depth), count: 100))
        if depth > 0 { dataSet.set(nestedSequenceTag, items: [item(depth: depth - 1)]) }
        return dataSet
    }

    /// Encapsulated pixel data with an empty offset table and two fragments, one of odd length.
    static func encapsulated() -> DataSet {
        var dataSet = DataSet()
        let pixels = EncapsulatedPixelData(
            basicOffsetTable: ByteBuffer(),
            fragments: [ByteBuffer(bytes: [0xFF, 0xD8, 0xFF, 0xD9]), ByteBuffer(bytes: [1, 2, 3])])
        dataSet.insert(DataElement(tag: .pixelData, vr: .OB, value: .encapsulated(pixels)))
        return dataSet
    }

    /// Sequences nested `depth` deep, each with one item.
    static func nested(depth: Int) -> DataSet {
        var dataSet = DataSet()
        dataSet.set(Tag(0x0010, 0x0020), vr: .LO, string: "level \(depth)")
        if depth > 0 { dataSet.set(sequenceTag, items: [nested(depth: depth - 1)]) }
        return dataSet
    }

    static func bytes(of values: [Double]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for value in values { buffer.writeInteger(value.bitPattern, endianness: .little) }
        return buffer
    }

    static func bytes(of values: [Float]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for value in values { buffer.writeInteger(value.bitPattern, endianness: .little) }
        return buffer
    }

    /// Corpus files that read and round-trip, from pydicom's test data.
    static let corpusFiles = [
        "CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "test-SR.dcm", "JPEG2000.dcm", "MR_small_RLE.dcm",
        "SC_rgb_small_odd.dcm", "nested_priv_SQ.dcm", "chrFren.dcm", "chrX1.dcm", "chrSQEncoding.dcm",
        "chrH31.dcm", "chrRuss.dcm",
    ]

    /// Path of a corpus file, from pydicom. Fails, never skips, when python3 or pydicom is
    /// missing: `scripts/test` installs them.
    static func corpusPath(_ name: String) throws -> String {
        try Pydicom.run(["pydicom:\(name)"]).path
    }

    static func read(_ path: String) throws -> DataSet {
        try DICOMFile(contentsOf: path).dataSet
    }

    static func buffer(_ text: String) -> ByteBuffer {
        ByteBuffer(string: text)
    }
}

/// Runs `scripts/pydicom-json.py`, the reference for the JSON model comparisons.
enum Pydicom {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/pydicom-json.py").path

    /// The file pydicom read and its JSON model as Foundation objects.
    static func run(_ arguments: [String]) throws -> (path: String, json: [String: Any]) {
        let output = try execute([script] + arguments)
        guard let object = try JSONSerialization.jsonObject(with: output) as? [String: Any],
            let path = object["path"] as? String, let json = object["json"] as? [String: Any]
        else { throw Failure(description: "unexpected output of pydicom-json.py") }
        return (path, json)
    }

    private static func execute(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "python3 \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return data
    }
}
