import DICOM
import Foundation
import NIOCore
import Testing

@Suite("Native DICOM Model XML (PS3.19 A.1)")
struct XMLModelTests {
    typealias Fixtures = NativeModelFixtures

    private func xml(_ dataSet: DataSet, encoder: DICOMXMLEncoder = DICOMXMLEncoder()) -> String {
        encoder.encodeString(dataSet)
    }

    /// The markup of one top-level attribute: the encoder puts each on a line of its own.
    private func attribute(_ tag: String, in text: String) -> String {
        guard let start = text.range(of: "\n<DicomAttribute tag=\"\(tag)\"") else { return "" }
        return String(text[text.index(after: start.lowerBound)...].prefix { $0 != "\n" })
    }

    // MARK: Encoding

    @Test func documentHasTheNamespaceAndPreservesSpace() {
        let text = xml(DataSet())
        #expect(
            text == """
                <?xml version="1.0" encoding="UTF-8"?>
                <NativeDicomModel xmlns="http://dicom.nema.org/PS3.19/models/NativeDICOM" xml:space="preserve">
                </NativeDicomModel>

                """)
    }

    @Test func everyVRIsWrittenAsTheModelSays() {
        let text = xml(Fixtures.everyVR())
        #expect(
            attribute("00080054", in: text).hasPrefix(
                #"<DicomAttribute tag="00080054" vr="AE""#))
        #expect(
            attribute("00080054", in: text).hasSuffix(
                #"><Value number="1">STORESCP</Value><Value number="2">ARCHIVE</Value></DicomAttribute>"#))
        #expect(
            attribute("00080008", in: text).contains(
                #"<Value number="1">ORIGINAL</Value><Value number="2"/><Value number="3">AXIAL</Value>"#))
        #expect(
            attribute("00280009", in: text).contains(
                #"<Value number="1">00181063</Value><Value number="2">00181065</Value>"#))
        #expect(
            attribute("00280030", in: text).contains(
                #"<Value number="1">0.5</Value><Value number="2">+1.50</Value><Value number="3">-.25</Value>"#),
            "DS keeps its text")
        #expect(attribute("00189087", in: text).contains(#"<Value number="1">1.5</Value>"#))
        #expect(attribute("00189087", in: text).contains(#"<Value number="3">NaN</Value>"#))
        #expect(
            attribute("00189445", in: text).contains(#"<Value number="1">0.1</Value><Value number="2">-INF</Value>"#))
        #expect(attribute("00720083", in: text).contains(#"<Value number="2">18446744073709551615</Value>"#))
        #expect(attribute("00720082", in: text).contains(#"<Value number="2">1152921504606846976</Value>"#))
        #expect(attribute("00420011", in: text).contains("<InlineBinary>AQIDBAUA</InlineBinary>"))
        #expect(
            attribute("00110010", in: text)
                == #"<DicomAttribute tag="00110010" vr="UN"><InlineBinary>3q2+7w==</InlineBinary></DicomAttribute>"#)
        #expect(attribute("00100030", in: text) == #"<DicomAttribute tag="00100030" vr="DA" keyword="PatientBirthDate"/>"#)
        #expect(attribute("00400275", in: text) == #"<DicomAttribute tag="00400275" vr="SQ" keyword="RequestAttributesSequence"/>"#)
        #expect(!text.contains("\"00080000\""), "no group length")
    }

    @Test func keywordsComeFromTheDictionaryAndPrivateCreatorsFromTheDataSet() {
        let text = xml(Fixtures.everyVR())
        #expect(text.contains(#"<DicomAttribute tag="00100010" vr="PN" keyword="PatientName">"#))
        #expect(text.contains(#"<DicomAttribute tag="00091001" vr="LO" privateCreator="ACME 1.0">"#))
        #expect(text.contains(#"<DicomAttribute tag="00090010" vr="LO"><Value number="1">ACME 1.0</Value>"#))
    }

    @Test func personNamesHaveGroupsAndComponents() {
        let text = xml(Fixtures.everyVR())
        #expect(
            attribute("00100010", in: text).contains(
                "<PersonName number=\"1\"><Alphabetic><FamilyName>Yamada</FamilyName><GivenName>Tarou</GivenName></Alphabetic>"
                    + "<Ideographic><FamilyName>山田</FamilyName><GivenName>太郎</GivenName></Ideographic>"
                    + "<Phonetic><FamilyName>やまだ</FamilyName><GivenName>たろう</GivenName></Phonetic></PersonName>"))
        #expect(
            attribute("00081070", in: text).contains(
                "<PersonName number=\"1\"><Alphabetic><FamilyName>Smith</FamilyName><GivenName>John</GivenName>"
                    + "<NamePrefix>Dr.</NamePrefix></Alphabetic></PersonName><PersonName number=\"2\"/>"
                    + "<PersonName number=\"3\"><Ideographic><FamilyName>Ideographic</FamilyName></Ideographic></PersonName>"
            ))
    }

    @Test func sequencesHaveNumberedItems() {
        let text = xml(Fixtures.everyVR())
        let sequence = attribute("00081115", in: text)
        #expect(sequence.contains(#"<DicomAttribute tag="00081115" vr="SQ""#))
        #expect(sequence.contains(#"<Item number="1"><DicomAttribute tag="00081150" vr="UI""#))
        #expect(sequence.contains(#"<Item number="2"></Item></DicomAttribute>"#))
        #expect(sequence.components(separatedBy: "<Item number=\"1\">").count == 4, "three levels of items")
    }

    @Test func textIsEscaped() throws {
        let text = xml(Fixtures.everyVR())
        #expect(attribute("0040A160", in: text).contains("Unicode: 😀 \\ &lt;/Value&gt; &amp; &lt;tag&gt;"))
        #expect(text.contains("line 1&#xD;\nline 2 \\ \"quoted\" \t tab"))
        #expect(attribute("00080081", in: text).contains("1 Main Street, \u{FFFD}control"), "C0 controls cannot be XML")
        var dataSet = DataSet()
        dataSet.set(Fixtures.privateCreatorTag, vr: .LO, string: "A \"quoted\" & <creator>")
        dataSet.set(Fixtures.privateTag, vr: .LO, string: "x")
        #expect(xml(dataSet).contains(#"privateCreator="A &quot;quoted&quot; &amp; &lt;creator&gt;""#))
    }

    @Test func bulkDataBecomesAURI() {
        let encoder = DICOMXMLEncoder(bulkDataThreshold: 50) {
            "bulk/\($0.path.map(\.hexString).joined(separator: "/"))?a=1&b=2"
        }
        let text = xml(Fixtures.everyVR(), encoder: encoder)
        #expect(
            text.contains(
                #"<DicomAttribute tag="00420011" vr="OB" keyword="EncapsulatedDocument"><BulkData uri="bulk/00081115/00420011?a=1&amp;b=2"/></DicomAttribute>"#
            ))
        #expect(attribute("00420011", in: text).contains("<InlineBinary>AQIDBAUA</InlineBinary>"))
        let pixels = xml(Fixtures.encapsulated(), encoder: DICOMXMLEncoder(bulkDataThreshold: 8) { _ in "frames" })
        #expect(
            pixels.contains(#"<DicomAttribute tag="7FE00010" vr="OB" keyword="PixelData"><BulkData uri="frames"/>"#))
    }

    // MARK: Decoding

    @Test func roundTripGivesTheSameXML() throws {
        for dataSet in [Fixtures.everyVR(), Fixtures.encapsulated(), Fixtures.nested(depth: 10), DataSet()] {
            let first = DICOMXMLEncoder().encode(dataSet)
            let decoded = try DICOMXMLDecoder().decode(first)
            #expect(String(buffer: DICOMXMLEncoder().encode(decoded)) == String(buffer: first))
        }
    }

    @Test func xmlAndJSONDecodeToTheSameDataSet() throws {
        var dataSet = Fixtures.everyVR()
        dataSet.remove(Tag(0x0008, 0x0081))  // holds U+0001, which XML 1.0 cannot carry
        let fromXML = try DICOMXMLDecoder().decode(DICOMXMLEncoder().encode(dataSet))
        let fromJSON = try DICOMJSONDecoder().decode(DICOMJSONEncoder().encode(dataSet))
        #expect(DICOMJSONEncoder().encodeString(fromXML) == DICOMJSONEncoder().encodeString(fromJSON))
    }

    @Test func handWrittenDocumentsAreRead() throws {
        let text = """
            <?xml version="1.0" encoding="utf-8"?>
            <!-- a comment -->
            <dcm:NativeDicomModel xmlns:dcm="http://dicom.nema.org/PS3.19/models/NativeDICOM">
              <dcm:DicomAttribute tag="00100010" vr="PN" keyword="PatientName">
                <dcm:PersonName number="1"><dcm:SingleByte><dcm:GivenName>Hans</dcm:GivenName>
                <dcm:FamilyName>M&#xFC;ller</dcm:FamilyName></dcm:SingleByte></dcm:PersonName>
              </dcm:DicomAttribute>
              <dcm:DicomAttribute tag="00280010" vr="US"><dcm:Value number="2">3</dcm:Value><dcm:Value number="1">512</dcm:Value></dcm:DicomAttribute>
              <dcm:DicomAttribute tag="00104000" vr="LT"><dcm:Value number="1"><![CDATA[a <raw> & text]]>&amp;&#65;&apos;</dcm:Value></dcm:DicomAttribute>
              <dcm:DicomAttribute tag="00420011" vr="OB"><dcm:InlineBinary>
                AQID
                BA==
              </dcm:InlineBinary></dcm:DicomAttribute>
              <dcm:DicomAttribute tag="00081115" vr="SQ"><dcm:Item number="1"/></dcm:DicomAttribute>
              <?processing instruction?>
            </dcm:NativeDicomModel>
            """
        let dataSet = try DICOMXMLDecoder().decode(Fixtures.buffer(text))
        #expect(dataSet.string(.patientName) == "Müller^Hans")
        #expect(dataSet.string(.specificCharacterSet) == "ISO_IR 192")
        #expect(dataSet.ints(Tag(0x0028, 0x0010)) == [512, 3])
        #expect(dataSet.string(Tag(0x0010, 0x4000)) == "a <raw> & text&A'")
        #expect(dataSet.bytes(Fixtures.blobTag) == ByteBuffer(bytes: [1, 2, 3, 4]))
        #expect(dataSet.sequence(Tag(0x0008, 0x1115)) == [DataSet()])
    }

    // MARK: Hostile input

    @Test func dtdsAndEntitiesAreRefused() {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
            <NativeDicomModel>&lol2;</NativeDicomModel>
            """
        #expect(throws: DICOMXMLError.unsupported(offset: 22, feature: "document type declaration")) {
            try DICOMXMLDecoder().decode(Fixtures.buffer(laughs))
        }
        let external =
            #"<NativeDicomModel><DicomAttribute tag="00100020" vr="LO"><Value number="1">&xxe;</Value></DicomAttribute></NativeDicomModel>"#
        #expect(throws: DICOMXMLError.unsupported(offset: 75, feature: "entity &xxe;")) {
            try DICOMXMLDecoder().decode(Fixtures.buffer(external))
        }
        #expect(throws: DICOMXMLError.unsupported(offset: 0, feature: "encoding utf-16")) {
            try DICOMXMLDecoder().decode(
                Fixtures.buffer(#"<?xml version="1.0" encoding="UTF-16"?><NativeDicomModel/>"#))
        }
    }

    @Test func modelErrorsAreTyped() {
        func document(_ body: String) -> String { "<NativeDicomModel>\(body)</NativeDicomModel>" }
        let cases: [(String, DICOMXMLError)] = [
            ("<Other/>", .unexpectedElement(name: "Other", context: "the document root")),
            (document("<Value/>"), .unexpectedElement(name: "Value", context: "NativeDicomModel")),
            (document(#"<DicomAttribute tag="0010001" vr="PN"/>"#), .badTag("0010001")),
            (document(#"<DicomAttribute vr="PN"/>"#), .badTag("")),
            (document(#"<DicomAttribute tag="00100010"/>"#), .missingVR(tag: .patientName)),
            (document(#"<DicomAttribute tag="00100010" vr="ZZ"/>"#), .unknownVR(tag: .patientName, vr: "ZZ")),
            (
                document(#"<DicomAttribute tag="00280010" vr="US"><Value number="1">x</Value></DicomAttribute>"#),
                .wrongValueType(tag: Tag(0x0028, 0x0010), vr: .US, reason: "x is not an integer in the range of US")
            ),
            (
                document(#"<DicomAttribute tag="00280010" vr="US"><Value number="1"/></DicomAttribute>"#),
                .wrongValueType(
                    tag: Tag(0x0028, 0x0010), vr: .US, reason: "an empty value cannot be encoded in binary US")
            ),
            (
                document(
                    #"<DicomAttribute tag="00100020" vr="LO"><Value number="1">a</Value><Item number="1"/></DicomAttribute>"#
                ),
                .wrongValueType(tag: Tag(0x0010, 0x0020), vr: .LO, reason: "children of more than one kind")
            ),
            (
                document(#"<DicomAttribute tag="00100020" vr="LO"><Item number="1"/></DicomAttribute>"#),
                .wrongValueType(tag: Tag(0x0010, 0x0020), vr: .LO, reason: "items in a non-sequence")
            ),
            (
                document(#"<DicomAttribute tag="00100020" vr="LO"><Bogus/></DicomAttribute>"#),
                .unexpectedElement(name: "Bogus", context: "DicomAttribute 00100020")
            ),
            (
                document(#"<DicomAttribute tag="00420011" vr="OB"><InlineBinary>!!</InlineBinary></DicomAttribute>"#),
                .invalidInlineBinary(tag: Fixtures.blobTag)
            ),
            (
                document(#"<DicomAttribute tag="00420011" vr="OB"><BulkData/></DicomAttribute>"#),
                .wrongValueType(tag: Fixtures.blobTag, vr: .OB, reason: "BulkData needs one uri attribute")
            ),
            (
                document(
                    #"<DicomAttribute tag="00100010" vr="PN"><PersonName number="1"><Alphabetic><Nick>x</Nick></Alphabetic></PersonName></DicomAttribute>"#
                ),
                .unexpectedElement(name: "Nick", context: "Alphabetic of 00100010")
            ),
        ]
        for (text, expected) in cases {
            #expect(throws: expected, "\(text)") { try DICOMXMLDecoder().decode(Fixtures.buffer(text)) }
        }
    }

    @Test func malformedXMLSaysWhere() {
        let cases: [(String, DICOMXMLError)] = [
            ("", .malformedXML(offset: 0, reason: "no root element")),
            ("<a></b>", .malformedXML(offset: 6, reason: "</b> closes <a>")),
            ("<a x=1/>", .malformedXML(offset: 5, reason: "attribute value not in quotes")),
            ("<a>&#0;</a>", .malformedXML(offset: 3, reason: "invalid character reference &#0;")),
            ("<a>\u{1}</a>", .malformedXML(offset: 3, reason: "control character in text")),
            ("<a/><b/>", .malformedXML(offset: 4, reason: "content after the root element")),
            ("<a x=\"1\"y=\"2\"/>", .malformedXML(offset: 8, reason: "expected whitespace between attributes")),
        ]
        for (text, expected) in cases {
            #expect(throws: expected, "\(text)") { try DICOMXMLDecoder().decode(Fixtures.buffer(text)) }
        }
        var invalidUTF8 = ByteBuffer(string: "<a>")
        invalidUTF8.writeBytes([0xC3, 0x28])
        invalidUTF8.writeString("</a>")
        #expect(throws: DICOMXMLError.malformedXML(offset: 0, reason: "text is not valid UTF-8")) {
            try DICOMXMLDecoder().decode(invalidUTF8)
        }
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        #expect(throws: DICOMXMLError.self) { try DICOMXMLDecoder().decode(Fixtures.buffer(deep)) }
        let deepSequences = DICOMXMLEncoder().encode(Fixtures.nested(depth: 8))
        #expect(try DICOMXMLDecoder(maximumDepth: 8).decode(deepSequences) == Fixtures.nested(depth: 8))
        #expect(try DICOMXMLDecoder(maximumDepth: .max).decode(deepSequences) == Fixtures.nested(depth: 8))
        #expect(throws: DICOMXMLError.self) { try DICOMXMLDecoder(maximumDepth: .max).decode(Fixtures.buffer(deep)) }
        #expect {
            try DICOMXMLDecoder(maximumDepth: 7).decode(deepSequences)
        } throws: { error in
            guard case .depthExceeded(_, let limit) = error as? DICOMXMLError else { return false }
            return limit == 7
        }
    }

    @Test func everyTruncationIsAnError() {
        let bytes = Array(DICOMXMLEncoder().encode(Fixtures.everyVR()).readableBytesView)
        // Every prefix of the first 1 KiB, then every 7th: the same code paths in a fraction of the time.
        for length in TruncationLengths.sample(upTo: bytes.count - 1) {
            var prefix = ByteBuffer()
            prefix.writeBytes(bytes[0..<length])
            #expect(throws: DICOMXMLError.self, "\(length) bytes") { try DICOMXMLDecoder().decode(prefix) }
        }
    }

    @Test func mutatedInputNeverTraps() {
        let bytes = Array(DICOMXMLEncoder().encode(Fixtures.everyVR()).readableBytesView)
        var generator = SplitMix64(seed: 0xD1C0)
        let specials = Array("<>/=\"'&;#x![]-? aZ0".utf8) + [0x00, 0xFF, 0xC3, 0x0D]
        var decoded = 0
        for _ in 0..<3000 {
            var mutated = bytes
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let position = Int(generator.next() % UInt64(mutated.count))
                switch generator.next() % 3 {
                case 0: mutated[position] = specials[Int(generator.next() % UInt64(specials.count))]
                case 1: mutated.remove(at: position)
                default: mutated.insert(specials[Int(generator.next() % UInt64(specials.count))], at: position)
                }
            }
            if (try? DICOMXMLDecoder().decode(ByteBuffer(bytes: mutated))) != nil { decoded += 1 }
        }
        #expect(decoded < 3000)
    }

    // MARK: Corpus

    @Test(arguments: Fixtures.corpusFiles)
    func corpusFileRoundTrips(name: String) throws {
        let path = try Fixtures.corpusPath(name)
        let dataSet = try Fixtures.read(path)
        let first = DICOMXMLEncoder().encode(dataSet)
        let decoded = try DICOMXMLDecoder().decode(first)
        let second = DICOMXMLEncoder().encode(decoded)
        #expect(String(buffer: second) == String(buffer: first))
    }
}
