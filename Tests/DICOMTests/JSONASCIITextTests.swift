import NIOCore
import Testing

@testable import DICOM

/// The DICOM JSON encoder writes ASCII string elements straight from their bytes; the index
/// keeps that JSON and compares it byte for byte, so it must be what the decoding path
/// (`NativeContent`) writes, for every VR, character set, PN, DS and IS value.
@Suite("DICOM JSON of ASCII text from its bytes")
struct JSONASCIITextTests {
    /// The JSON of `dataSet` with the bytes path and with the decoding path.
    private static func both(_ dataSet: DataSet, bulkDataThreshold: Int? = nil) -> (fast: String, decoded: String) {
        var encoder = DICOMJSONEncoder(bulkDataThreshold: bulkDataThreshold) { "bulk/\($0.tag.hexString)" }
        let fast = String(buffer: encoder.encode(dataSet))
        encoder.writesASCIIFromBytes = false
        return (fast, String(buffer: encoder.encode(dataSet)))
    }

    @Test("every file of pydicom's corpus gives the same JSON both ways")
    func corpus() throws {
        var files = 0
        for (path, file) in try PydicomDump.readableCorpusFiles() {
            let (fast, decoded) = Self.both(file.dataSet, bulkDataThreshold: 1024)
            #expect(fast == decoded, "\(path)")
            files += 1
        }
        #expect(files > 100)
    }

    /// Values that each rule of the JSON model treats differently.
    static let values: [String] = [
        "", " ", "\0", "A", " A ", "A\\B", "\\", "A\\\\B", "\\ \\", "A\r\nB", "\"q\"\\\t", "\u{1B}$B",
        "Doe^John", "Doe^John=", "=", "==", "===", "A=B=C=D", "=B", "==C", " Doe = J ", "^^^^",
        "0", "00", "-0", "+1", "01", "1.", ".5", "-.5", "1.50", "0.0", "-1.25e3", "1e999", "1E-5", "12 ", " 7",
        "1.2.3", "abc", "-", "+", ".", "1e", "NaN", "Infinity", "3\\-4\\+5\\06",
    ]

    @Test("constructed values in every string VR and several character sets give the same JSON both ways")
    func constructedValues() {
        for terms in ASCIITextTests.characterSets {
            var dataSet = DataSet()
            if !terms.isEmpty {
                let text = Array(terms.joined(separator: "\\").utf8)
                dataSet.insert(
                    DataElement(
                        tag: .specificCharacterSet, vr: .CS,
                        bytes: ByteBuffer(bytes: text.count % 2 == 0 ? text : text + [0x20])))
            }
            var element: UInt16 = 0x1000
            for vr in VR.allCases where vr.isString {
                for value in Self.values {
                    dataSet.insert(
                        DataElement(tag: Tag(0x0011, element), vr: vr, bytes: ByteBuffer(bytes: Array(value.utf8))))
                    element += 1
                }
            }
            // The same elements in an item, which takes its character set from the data set.
            var withItem = dataSet
            withItem.set(Tag(0x0013, 0x1010), items: [DataSet(dataSet.filter { $0.tag.group == 0x0011 })])
            let (fast, decoded) = Self.both(withItem)
            #expect(fast == decoded, "\(terms)")
        }
    }
}
