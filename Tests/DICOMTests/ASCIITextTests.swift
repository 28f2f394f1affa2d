import NIOCore
import Testing

@testable import DICOM

/// `DataElement.strings(characterSet:)` reads ASCII values straight from their bytes; these
/// pin that it gives exactly what decoding, splitting and trimming the String gives, which the
/// DICOM JSON of the index and every query answer are made of.
@Suite("Text values read from their bytes")
struct ASCIITextTests {
    /// Both readings of one element; nil when it is not a string element.
    private static func readings(_ element: DataElement, _ characterSet: SpecificCharacterSet) -> (
        fast: [String], decoded: [String]
    )? {
        guard element.vr.isString, let bytes = element.bytes else { return nil }
        return (element.strings(characterSet: characterSet), element.decodedStrings(bytes, characterSet: characterSet))
    }

    private static func compare(_ dataSet: DataSet, enclosing: SpecificCharacterSet?, count: inout Int) {
        let characterSet = dataSet.characterSet(enclosedBy: enclosing)
        for element in dataSet {
            if let items = element.items {
                for item in items { compare(item, enclosing: characterSet, count: &count) }
            }
            guard let (fast, decoded) = readings(element, characterSet) else { continue }
            #expect(fast == decoded, "\(element.tag) \(element.vr) \(characterSet.terms)")
            count += 1
        }
    }

    @Test("every string value of pydicom's corpus reads as the decoder reads it")
    func corpusValues() throws {
        var count = 0
        for (_, file) in try PydicomDump.readableCorpusFiles() {
            Self.compare(file.dataSet, enclosing: nil, count: &count)
        }
        #expect(count > 5_000)
    }

    @Test("pydicom's character set fixtures read as the decoder reads them, in every string VR")
    func characterSetFixtures() throws {
        for fixture in try PydicomFixture.all() {
            for vr in VR.allCases where vr.isString {
                let element = DataElement(tag: Tag(0x0011, 0x1010), vr: vr, bytes: ByteBuffer(bytes: fixture.bytes))
                guard let (fast, decoded) = Self.readings(element, fixture.characterSet) else { continue }
                #expect(fast == decoded, "\(fixture.file) \(fixture.tag) \(vr) \(fixture.terms)")
            }
        }
    }

    /// Character sets whose ASCII reads as ASCII (ISO 2022 without escapes, UTF-8, GB18030)
    /// and ones where it may not (ISO_IR 13's JIS X 0201 G0, escape sequences to JIS X 0208).
    static let characterSets: [[String]] = [
        [], ["ISO_IR 100"], ["ISO_IR 192"], ["GB18030"], ["ISO_IR 13"], ["ISO 2022 IR 13", "ISO 2022 IR 87"],
        ["", "ISO 2022 IR 87"], ["ISO 2022 IR 6", "ISO 2022 IR 149"],
    ]

    @Test("random ASCII values with padding, backslashes, CR LF and escapes read as the decoder reads them")
    func randomValues() {
        // Mostly the bytes that padding, splitting and code extensions care about.
        let alphabet = Array(" \0\\\r\n\u{1B}$B()J=^.+-Ae0".utf8)
        var random = SplitMix64(seed: 0x5EED_A5C1)
        for terms in Self.characterSets {
            let characterSet = SpecificCharacterSet(terms: terms)
            for vr in VR.allCases where vr.isString {
                for _ in 0..<300 {
                    let length = Int(random.next() % 12)
                    let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
                    let element = DataElement(tag: Tag(0x0011, 0x1010), vr: vr, bytes: ByteBuffer(bytes: bytes))
                    guard let (fast, decoded) = Self.readings(element, characterSet) else { continue }
                    #expect(fast == decoded, "\(vr) \(terms) \(bytes)")
                }
            }
        }
    }

    @Test("a value of spaces and NULs is one empty value; no bytes are no value")
    func emptyValues() {
        let padded = DataElement(tag: .patientID, vr: .LO, bytes: ByteBuffer(bytes: Array(" \0 ".utf8)))
        #expect(padded.strings(characterSet: .default) == [""])
        let empty = DataElement(tag: .patientID, vr: .LO, bytes: ByteBuffer())
        #expect(empty.strings(characterSet: .default) == [])
        let several = DataElement(tag: .imageType, vr: .CS, bytes: ByteBuffer(bytes: Array(" A \\\\B ".utf8)))
        #expect(several.strings(characterSet: .default) == ["A", "", "B"])
        let text = DataElement(tag: .studyComments, vr: .LT, bytes: ByteBuffer(bytes: Array("  a\\b  ".utf8)))
        #expect(text.strings(characterSet: .default) == ["  a\\b"])
    }
}
