import DICOM
import Foundation
import NIOCore
import Testing

@Suite("DICOM JSON model (PS3.18 F.2)")
struct JSONModelTests {
    typealias Fixtures = NativeModelFixtures

    private func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        let data = Data(buffer.readableBytesView)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func attribute(_ json: [String: Any], _ key: String) -> [String: Any] {
        json[key] as? [String: Any] ?? [:]
    }

    private func values(_ json: [String: Any], _ key: String) -> [Any] {
        attribute(json, key)["Value"] as? [Any] ?? []
    }

    // MARK: Encoding

    @Test func everyVRHasItsJSONType() throws {
        let buffer = DICOMJSONEncoder().encode(Fixtures.everyVR())
        let json = try object(buffer)
        #expect(values(json, "00080054") as? [String] == ["STORESCP", "ARCHIVE"])
        #expect(values(json, "00101010") as? [String] == ["042Y"])
        #expect(values(json, "00280009") as? [String] == ["00181063", "00181065"])
        #expect(values(json, "00080008").count == 3)
        #expect(values(json, "00080008")[1] is NSNull)
        #expect(values(json, "00280030") as? [Double] == [0.5, 1.5, -0.25, 1000])
        #expect(values(json, "00200013") as? [Int] == [12])
        #expect(values(json, "00189087").prefix(2).compactMap { $0 as? Double } == [1.5, -2.25e-10])
        #expect(values(json, "00189087").last as? String == "NaN")
        #expect(values(json, "00189445").first as? Double == 0.1)
        #expect(values(json, "00189445").last as? String == "-Infinity")
        #expect(values(json, "00186020") as? [Int] == [-70000, 5])
        #expect(values(json, "00280106") as? [Int] == [-2])
        #expect(values(json, "00720082").first as? Int == -5)
        #expect(values(json, "00720082").last as? String == "1152921504606846976")
        #expect(values(json, "00720083").first as? Int == 9)
        #expect(values(json, "00720083").last as? String == "18446744073709551615")
        #expect(values(json, "00280008") as? [Int] == [4_000_000_000])
        #expect(values(json, "00280010") as? [Int] == [512, 65535])
        #expect(attribute(json, "00420011")["InlineBinary"] as? String == "AQIDBAUA")
        #expect(attribute(json, "00110010") as NSDictionary == ["vr": "UN", "InlineBinary": "3q2+7w=="])
        for key in ["7FE00009", "7FE00008", "00660040", "00660129", "00281201"] {
            #expect(attribute(json, key)["InlineBinary"] is String, "\(key)")
            #expect(attribute(json, key)["Value"] == nil, "\(key)")
        }
        let text = String(buffer: buffer)
        #expect(text.contains("[0.5,1.50,-0.25,1e3]"), "DS keeps its digits")
    }

    @Test func personNamesAreObjectsOfNonEmptyGroups() throws {
        let json = try object(DICOMJSONEncoder().encode(Fixtures.everyVR()))
        let name = try #require(values(json, "00100010").first as? [String: String])
        #expect(name == ["Alphabetic": "Yamada^Tarou", "Ideographic": "山田^太郎", "Phonetic": "やまだ^たろう"])
        let names = values(json, "00081070")
        #expect(names.count == 3)
        #expect(names[0] as? [String: String] == ["Alphabetic": "Smith^John^^Dr."])
        #expect(names[1] is NSNull)
        #expect(names[2] as? [String: String] == ["Ideographic": "Ideographic"])
    }

    @Test func emptyValuesHaveOnlyTheirVR() throws {
        let json = try object(DICOMJSONEncoder().encode(Fixtures.everyVR()))
        #expect(attribute(json, "00100030") as NSDictionary == ["vr": "DA"])
        #expect(attribute(json, "00400275") as NSDictionary == ["vr": "SQ"])
        let items = values(json, "00081115")
        #expect(items.count == 2)
        #expect((items[1] as? [String: Any])?.isEmpty == true, "an empty item is an empty object")
    }

    @Test func keysAreAscendingTagsWithoutGroupLengths() throws {
        let text = DICOMJSONEncoder().encodeString(Fixtures.everyVR())
        let json = try object(ByteBuffer(string: text))
        #expect(json["00080000"] == nil)
        let keys = Fixtures.everyVR().tags.filter { $0.element != 0 }.map(\.hexString)
        var position = text.startIndex
        for key in keys {
            let range = try #require(text.range(of: "\"\(key)\":", range: position..<text.endIndex), "\(key)")
            position = range.upperBound
        }
    }

    @Test func privateElementsAreIncluded() throws {
        let json = try object(DICOMJSONEncoder().encode(Fixtures.everyVR()))
        #expect(values(json, "00090010") as? [String] == ["ACME 1.0"])
        #expect(values(json, "00091001") as? [String] == ["private value"])
    }

    @Test func nestedSequencesAreArraysOfItems() throws {
        let json = try object(DICOMJSONEncoder().encode(Fixtures.everyVR()))
        let first = try #require(values(json, "00081115").first as? [String: Any])
        #expect(values(first, "00081155") as? [String] == ["1.2.3.2"])
        let second = try #require(values(first, "0008114A").first as? [String: Any])
        let third = try #require(values(second, "0008114A").first as? [String: Any])
        #expect(values(third, "00081155") as? [String] == ["1.2.3.0"])
        #expect(third["0008114A"] == nil)
        #expect((values(third, "00100010").first as? [String: String])?["Alphabetic"] == "Nested^Name0")
    }

    @Test func stringsAreEscaped() throws {
        let dataSet = Fixtures.everyVR()
        let buffer = DICOMJSONEncoder().encode(dataSet)
        let text = String(buffer: buffer)
        #expect(text.contains(#""line 1\r\nline 2 \\ \"quoted\" \t tab""#))
        #expect(text.contains(#"1 Main Street, \u0001control"#))
        #expect(text.contains("Unicode: 😀"), "non-ASCII text is written as UTF-8, not escaped")
        let json = try object(buffer)
        #expect(values(json, "00104000") as? [String] == ["line 1\r\nline 2 \\ \"quoted\" \t tab"])
        #expect(values(json, "00080081") as? [String] == ["1 Main Street, \u{1}control"])
        #expect(values(json, "0040A160") as? [String] == ["Unicode: 😀 \\ </Value> & <tag>"])
        #expect(values(json, "00100020") as? [String] == ["ID-1", "Müller"])
        #expect(values(json, "00080120") as? [String] == ["http://example.com/a?b=c&d=\"e\""])
    }

    @Test func everyControlCharacterIsEscaped() throws {
        var dataSet = DataSet()
        dataSet.set(
            Tag(0x0010, 0x4000), vr: .LT, string: String((0..<32).map { Character(Unicode.Scalar($0)) }) + "end")
        let json = try object(DICOMJSONEncoder().encode(dataSet))
        let value = try #require(values(json, "00104000").first as? String)
        #expect(value.hasSuffix("end"))
        #expect(value.unicodeScalars.count == 35, "32 controls (NUL padding trimmed from none), then 'end'")
    }

    @Test func prettyPrintingChangesOnlyWhitespace() throws {
        let dataSet = Fixtures.everyVR()
        let compact = try object(DICOMJSONEncoder().encode(dataSet))
        let prettyText = DICOMJSONEncoder(prettyPrinted: true).encodeString(dataSet)
        let pretty = try object(ByteBuffer(string: prettyText))
        #expect(NSDictionary(dictionary: compact) == NSDictionary(dictionary: pretty))
        #expect(
            prettyText.contains(
                "\n  \"00080005\": {\n    \"vr\": \"CS\",\n    \"Value\": [\n      \"ISO_IR 192\"\n    ]\n  },"))
        #expect(DICOMJSONEncoder(prettyPrinted: true).encodeString(DataSet()) == "{}")
    }

    @Test func arraysHoldOneObjectPerDataSet() throws {
        let buffer = DICOMJSONEncoder().encode([Fixtures.nested(depth: 0), DataSet(), Fixtures.nested(depth: 1)])
        let array = try #require(
            try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [[String: Any]])
        #expect(array.count == 3)
        #expect(array[1].isEmpty)
        #expect(String(buffer: DICOMJSONEncoder().encode([DataSet]())) == "[]")
    }

    // MARK: Bulk data

    @Test func valuesOverTheThresholdBecomeBulkDataURIs() throws {
        let references = Recorder()
        let encoder = DICOMJSONEncoder(bulkDataThreshold: 50) { reference in
            references.append(reference)
            return "https://pacs/bulk/\(reference.path.map(\.hexString).joined(separator: "/"))"
        }
        var dataSet = Fixtures.everyVR()
        dataSet.set(Fixtures.blobTag, vr: .OB, bytes: ByteBuffer(repeating: 7, count: 60))
        let json = try object(encoder.encode(dataSet))
        #expect(
            attribute(json, "00420011") as NSDictionary == ["vr": "OB", "BulkDataURI": "https://pacs/bulk/00420011"])
        #expect(attribute(json, "00110010")["InlineBinary"] as? String == "3q2+7w==", "short values stay inline")
        let item = try #require(values(json, "00081115").first as? [String: Any])
        #expect(attribute(item, "00420011")["BulkDataURI"] as? String == "https://pacs/bulk/00081115/00420011")
        let recorded = references.all
        #expect(recorded.count == 4)
        // Elements are visited in tag order, so the sequence (0008,1115) comes before (0042,0011).
        let top = try #require(recorded.first { $0.path.count == 1 })
        #expect(
            top
                == BulkDataReference(
                    path: [Fixtures.blobTag], itemIndices: [], tag: Fixtures.blobTag, vr: .OB, length: 60))
        let deepest = try #require(recorded.first { $0.path.count == 4 })
        #expect(
            deepest.path == [
                Fixtures.sequenceTag, Fixtures.nestedSequenceTag, Fixtures.nestedSequenceTag, Fixtures.blobTag,
            ])
        #expect(deepest.itemIndices == [0, 0, 0])
        #expect(deepest.length == 100)
    }

    @Test func noThresholdOrNoURIKeepsValuesInline() throws {
        let uri: @Sendable (BulkDataReference) -> String? = { _ in nil }
        for encoder in [
            DICOMJSONEncoder(bulkDataURI: { _ in "never" }), DICOMJSONEncoder(bulkDataThreshold: 0, bulkDataURI: uri),
        ] {
            let json = try object(encoder.encode(Fixtures.everyVR()))
            #expect(attribute(json, "00420011")["InlineBinary"] as? String == "AQIDBAUA")
        }
    }

    @Test func encapsulatedPixelDataIsTheItemSequence() throws {
        let dataSet = Fixtures.encapsulated()
        let json = try object(DICOMJSONEncoder().encode(dataSet))
        let inline = try #require(attribute(json, "7FE00010")["InlineBinary"] as? String)
        let bytes = try #require(Data(base64Encoded: inline))
        #expect(
            Array(bytes) == [
                0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0,
                0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 0xFF, 0xD8, 0xFF, 0xD9,
                0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 1, 2, 3, 0,
            ])
        let references = Recorder()
        let bulk = DICOMJSONEncoder(bulkDataThreshold: 8) { reference in
            references.append(reference)
            return "frames"
        }
        #expect(attribute(try object(bulk.encode(dataSet)), "7FE00010")["BulkDataURI"] as? String == "frames")
        #expect(references.all.first?.length == 32)
        let decoded = try DICOMJSONDecoder().decode(DICOMJSONEncoder().encode(dataSet))
        #expect(
            decoded[.pixelData]?.value
                == .encapsulated(
                    EncapsulatedPixelData(
                        basicOffsetTable: ByteBuffer(),
                        fragments: [ByteBuffer(bytes: [0xFF, 0xD8, 0xFF, 0xD9]), ByteBuffer(bytes: [1, 2, 3, 0])])))
    }

    // MARK: Decoding

    @Test func roundTripGivesTheSameJSON() throws {
        for dataSet in [Fixtures.everyVR(), Fixtures.encapsulated(), Fixtures.nested(depth: 10), DataSet()] {
            let first = DICOMJSONEncoder().encode(dataSet)
            let decoded = try DICOMJSONDecoder().decode(first)
            #expect(String(buffer: DICOMJSONEncoder().encode(decoded)) == String(buffer: first))
        }
    }

    @Test func arrayRoundTrip() throws {
        let dataSets = [Fixtures.everyVR(), Fixtures.nested(depth: 2)]
        let first = DICOMJSONEncoder().encode(dataSets)
        let decoded = try DICOMJSONDecoder().decodeArray(first)
        #expect(decoded.count == 2)
        #expect(String(buffer: DICOMJSONEncoder().encode(decoded)) == String(buffer: first))
    }

    @Test func decodedValuesAreEncodedForTheirVR() throws {
        let json = """
            {"00080005": {"vr": "CS", "Value": ["ISO_IR 100"]},
             "00100020": {"vr": "LO", "Value": ["ABC"]},
             "00080018": {"vr": "UI", "Value": ["1.2.3"]},
             "00100010": {"vr": "PN", "Value": [{"Alphabetic": "Müller^Hans"}, null, {"Phonetic": "P"}]},
             "00280010": {"vr": "US", "Value": [512, 3]},
             "00186020": {"vr": "SL", "Value": [-2]},
             "00189087": {"vr": "FD", "Value": [1.5, "NaN"]},
             "00280030": {"vr": "DS", "Value": [0.5, "1.50", null]},
             "00200013": {"vr": "IS", "Value": [1e2]},
             "00280009": {"vr": "AT", "Value": ["00181063"]},
             "00420011": {"vr": "OB", "InlineBinary": "AQID"},
             "00081115": {"vr": "SQ", "Value": [{}, {"00081150": {"vr": "UI"}}]},
             "00100030": {"vr": "DA"}}
            """
        let dataSet = try DICOMJSONDecoder().decode(Fixtures.buffer(json))
        #expect(dataSet.bytes(Tag(0x0010, 0x0020)) == ByteBuffer(string: "ABC "))
        #expect(dataSet.bytes(.sopInstanceUID) == ByteBuffer(bytes: Array("1.2.3".utf8) + [0]))
        #expect(
            dataSet.bytes(.patientName)
                == ByteBuffer(bytes: Array("M\u{FC}ller^Hans\\\\==P".unicodeScalars.map { UInt8($0.value) })))
        #expect(dataSet.string(.specificCharacterSet) == "ISO_IR 100", "Latin-1 holds all the text")
        #expect(dataSet.bytes(Tag(0x0028, 0x0010)) == ByteBuffer(bytes: [0x00, 0x02, 0x03, 0x00]))
        #expect(dataSet.ints(Tag(0x0018, 0x6020)) == [-2])
        #expect(dataSet.doubles(Tag(0x0018, 0x9087)).first == 1.5)
        #expect(dataSet.doubles(Tag(0x0018, 0x9087)).last?.isNaN == true)
        #expect(dataSet.bytes(Tag(0x0028, 0x0030)) == ByteBuffer(string: "0.5\\1.50\\ "))
        #expect(dataSet.bytes(Tag(0x0020, 0x0013)) == ByteBuffer(string: "100 "))
        #expect(dataSet.attributeTags(Tag(0x0028, 0x0009)) == [Tag(0x0018, 0x1063)])
        #expect(dataSet.bytes(Fixtures.blobTag) == ByteBuffer(bytes: [1, 2, 3]), "binary values keep their length")
        #expect(dataSet.sequence(Tag(0x0008, 0x1115))?.count == 2)
        #expect(dataSet.sequence(Tag(0x0008, 0x1115))?.last?[Tag(0x0008, 0x1150)]?.vr == .UI)
        #expect(dataSet[Tag(0x0010, 0x0030)] == DataElement(tag: Tag(0x0010, 0x0030), vr: .DA, bytes: ByteBuffer()))
    }

    @Test func escapesAndLongNumbersAreDecoded() throws {
        let json = #"""
            {"00104000": {"vr": "LT", "Value": ["\u00fc\ud83d\ude00\n\/\"\\\b\f\r\t"]},
             "00280030": {"vr": "DS", "Value": [0.12345678901234567890, -1234567890123456789]},
             "00200013": {"vr": "IS", "Value": [-2147483648, 2.0E3]},
             "00720083": {"vr": "UV", "Value": ["18446744073709551615", 1e3]}}
            """#
        let dataSet = try DICOMJSONDecoder().decode(Fixtures.buffer(json))
        #expect(dataSet.string(Tag(0x0010, 0x4000)) == "ü😀\n/\"\\\u{8}\u{C}\r\t")
        #expect(dataSet.string(.specificCharacterSet) == "ISO_IR 192")
        let decimals = dataSet.strings(Tag(0x0028, 0x0030))
        #expect(decimals.allSatisfy { DecimalString.isValid($0) }, "\(decimals)")
        #expect(dataSet.doubles(Tag(0x0028, 0x0030)).first.map { abs($0 - 0.123456789012345) < 1e-14 } == true)
        #expect(dataSet.ints(Tag(0x0020, 0x0013)) == [-2_147_483_648, 2000])
        #expect(
            dataSet.bytes(Tag(0x0072, 0x0083))
                == ByteBuffer(bytes: [255, 255, 255, 255, 255, 255, 255, 255, 232, 3, 0, 0, 0, 0, 0, 0]))
        #expect(
            throws: DICOMJSONError.wrongValueType(
                tag: Tag(0x0020, 0x0013), vr: .IS, reason: "2147483648 is not an integer in the range of IS")
        ) {
            try DICOMJSONDecoder().decode(Fixtures.buffer(#"{"00200013": {"vr": "IS", "Value": [2147483648]}}"#))
        }
    }

    @Test func textOutsideTheCharacterSetSwitchesToUTF8() throws {
        let undeclared = #"{"00100010": {"vr": "PN", "Value": [{"Alphabetic": "Müller"}]}}"#
        let first = try DICOMJSONDecoder().decode(Fixtures.buffer(undeclared))
        #expect(first.string(.specificCharacterSet) == "ISO_IR 192")
        #expect(first.bytes(.patientName) == ByteBuffer(string: "Müller "))
        let latin = #"""
            {"00080005": {"vr": "CS", "Value": ["ISO_IR 100"]},
             "00081115": {"vr": "SQ", "Value": [{"00100010": {"vr": "PN", "Value": [{"Alphabetic": "山田"}]}}]}}
            """#
        let second = try DICOMJSONDecoder().decode(Fixtures.buffer(latin))
        #expect(second.string(.specificCharacterSet) == "ISO_IR 192")
        #expect(second.sequence(Tag(0x0008, 0x1115))?.first?.string(.patientName) == "山田")
        let ascii = #"{"00100010": {"vr": "PN", "Value": [{"Alphabetic": "Doe^John"}]}}"#
        #expect(try DICOMJSONDecoder().decode(Fixtures.buffer(ascii))[.specificCharacterSet] == nil)
    }

    @Test func bulkDataURIsAreResolved() throws {
        let json = #"{"00420011": {"vr": "OB", "BulkDataURI": "a"}, "00420012": {"vr": "OW", "BulkDataURI": "b"}}"#
        let decoder = DICOMJSONDecoder { uri in uri == "a" ? ByteBuffer(bytes: [9, 8, 7]) : nil }
        let dataSet = try decoder.decode(Fixtures.buffer(json))
        #expect(dataSet.bytes(Tag(0x0042, 0x0011)) == ByteBuffer(bytes: [9, 8, 7]))
        #expect(dataSet[Tag(0x0042, 0x0012)] == DataElement(tag: Tag(0x0042, 0x0012), vr: .OW, bytes: ByteBuffer()))
        let unresolved = try DICOMJSONDecoder().decode(Fixtures.buffer(json))
        #expect(unresolved.bytes(Tag(0x0042, 0x0011))?.readableBytes == 0)
    }

    // MARK: Hostile input

    @Test func modelErrorsAreTyped() {
        let cases: [(String, DICOMJSONError)] = [
            (#"[]"#, .unexpectedType(context: "top level", expected: "an object", found: "an array")),
            (#"{"0010001": {"vr": "PN"}}"#, .badTagKey("0010001")),
            (#"{"0010001G": {"vr": "PN"}}"#, .badTagKey("0010001G")),
            (#"{"(0010,0010)": {"vr": "PN"}}"#, .badTagKey("(0010,0010)")),
            (#"{"00100010": {"Value": []}}"#, .missingVR(tag: .patientName)),
            (#"{"00100010": {"vr": "XX"}}"#, .unknownVR(tag: .patientName, vr: "XX")),
            (#"{"00100010": {"vr": 5}}"#, .unknownVR(tag: .patientName, vr: "a number")),
            (
                #"{"00100010": []}"#,
                .unexpectedType(context: "00100010", expected: "an attribute object", found: "an array")
            ),
            (
                #"{"00280010": {"vr": "US", "Value": ["abc"]}}"#,
                .wrongValueType(tag: Tag(0x0028, 0x0010), vr: .US, reason: "abc is not an integer in the range of US")
            ),
            (
                #"{"00280010": {"vr": "US", "Value": [70000]}}"#,
                .wrongValueType(tag: Tag(0x0028, 0x0010), vr: .US, reason: "70000 is not an integer in the range of US")
            ),
            (
                #"{"00280010": {"vr": "US", "Value": [1.5]}}"#,
                .wrongValueType(tag: Tag(0x0028, 0x0010), vr: .US, reason: "1.5 is not an integer in the range of US")
            ),
            (
                #"{"00100020": {"vr": "LO", "Value": [42]}}"#,
                .wrongValueType(tag: Tag(0x0010, 0x0020), vr: .LO, reason: "a number where text belongs")
            ),
            (
                #"{"00100020": {"vr": "LO", "Value": [[1]]}}"#,
                .wrongValueType(tag: Tag(0x0010, 0x0020), vr: .LO, reason: "an array in Value")
            ),
            (
                #"{"00100020": {"vr": "LO", "Value": "x"}}"#,
                .wrongValueType(tag: Tag(0x0010, 0x0020), vr: .LO, reason: "Value is a string, not an array")
            ),
            (
                #"{"00100010": {"vr": "PN", "Value": [5]}}"#,
                .wrongValueType(tag: .patientName, vr: .PN, reason: "a PN value is a number, not an object")
            ),
            (
                #"{"00081115": {"vr": "SQ", "Value": [5]}}"#,
                .unexpectedType(context: "00081115 item 1", expected: "an object", found: "a number")
            ),
            (#"{"00420011": {"vr": "OB", "InlineBinary": "A"}}"#, .invalidInlineBinary(tag: Fixtures.blobTag)),
            (
                #"{"00420011": {"vr": "OB", "InlineBinary": "AQ==", "BulkDataURI": "x"}}"#,
                .wrongValueType(
                    tag: Fixtures.blobTag, vr: .OB, reason: "more than one of Value, InlineBinary and BulkDataURI")
            ),
            (
                #"{"00420011": {"vr": "OB", "Value": [1]}}"#,
                .wrongValueType(
                    tag: Fixtures.blobTag, vr: .OB,
                    reason: "a OB value must be InlineBinary or BulkDataURI, not a Value array")
            ),
            (
                #"{"00280009": {"vr": "AT", "Value": ["0018106"]}}"#,
                .wrongValueType(
                    tag: Tag(0x0028, 0x0009), vr: .AT, reason: "an AT value must be a string of 8 hexadecimal digits")
            ),
        ]
        for (json, expected) in cases {
            #expect(throws: expected, "\(json)") { try DICOMJSONDecoder().decode(Fixtures.buffer(json)) }
        }
    }

    @Test func syntaxErrorsSayWhere() {
        let cases: [(String, DICOMJSONError)] = [
            ("", .invalidJSON(offset: 0, reason: "unexpected end of input")),
            ("{\"a\" 1}", .invalidJSON(offset: 5, reason: "expected ':' after a member name")),
            ("{} x", .invalidJSON(offset: 3, reason: "unexpected text after the JSON value")),
            ("[01]", .invalidJSON(offset: 2, reason: "expected ',' or ']' in an array")),
            ("[1.]", .invalidJSON(offset: 3, reason: "invalid number: no digits after '.'")),
            ("[\"\\ud800\"]", .invalidJSON(offset: 8, reason: "unpaired surrogate escape")),
            ("[\"a\u{1}\"]", .invalidJSON(offset: 3, reason: "control character in a string")),
            ("[tru]", .invalidJSON(offset: 1, reason: "invalid literal")),
        ]
        for (json, expected) in cases {
            #expect(throws: expected, "\(json)") { try DICOMJSONDecoder().decodeArray(Fixtures.buffer(json)) }
        }
        var invalidUTF8 = ByteBuffer(string: "{\"")
        invalidUTF8.writeBytes([0xC3, 0x28])
        invalidUTF8.writeString("\": 1}")
        #expect(throws: DICOMJSONError.invalidJSON(offset: 1, reason: "string is not valid UTF-8")) {
            try DICOMJSONDecoder().decode(invalidUTF8)
        }
    }

    @Test func nestingIsBounded() throws {
        let deepArrays = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: DICOMJSONError.depthExceeded(offset: 10, limit: 2)) {
            try DICOMJSONDecoder(maximumDepth: 2).decode(Fixtures.buffer(deepArrays))
        }
        #expect(throws: DICOMJSONError.self) { try DICOMJSONDecoder().decode(Fixtures.buffer(deepArrays)) }
        let deepSequences = DICOMJSONEncoder(prettyPrinted: true).encode(Fixtures.nested(depth: 8))
        #expect(try DICOMJSONDecoder(maximumDepth: 8).decode(deepSequences) == Fixtures.nested(depth: 8))
        #expect(try DICOMJSONDecoder(maximumDepth: .max).decode(deepSequences) == Fixtures.nested(depth: 8))
        #expect(throws: DICOMJSONError.self) {
            try DICOMJSONDecoder(maximumDepth: .max).decode(Fixtures.buffer(deepArrays))
        }
        #expect {
            try DICOMJSONDecoder(maximumDepth: 7).decode(deepSequences)
        } throws: { error in
            guard case .depthExceeded(_, let limit) = error as? DICOMJSONError else { return false }
            return limit == 7
        }
    }

    @Test func everyTruncationIsAnError() {
        let text = String(buffer: DICOMJSONEncoder().encode(Fixtures.everyVR()))
        let bytes = Array(text.utf8)
        // Every prefix of the first 1 KiB, then every 7th: the same code paths in a fraction of the time.
        for length in TruncationLengths.sample(upTo: bytes.count) {
            var prefix = ByteBuffer()
            prefix.writeBytes(bytes[0..<length])
            #expect(throws: DICOMJSONError.self, "\(length) bytes") { try DICOMJSONDecoder().decode(prefix) }
        }
    }

    @Test func mutatedInputNeverTraps() {
        let bytes = Array(DICOMJSONEncoder().encode(Fixtures.everyVR()).readableBytesView)
        var generator = SplitMix64(seed: 0x5EED)
        let specials = Array("{}[]\":,\\0123456789-.eEnulltrue ".utf8) + [0x00, 0xFF, 0xC3, 0xED]
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
            if (try? DICOMJSONDecoder().decode(ByteBuffer(bytes: mutated))) != nil { decoded += 1 }
        }
        #expect(decoded < 3000)
    }

    // MARK: Corpus

    @Test(arguments: Fixtures.corpusFiles)
    func corpusFileRoundTrips(name: String) throws {
        let path = try Fixtures.corpusPath(name)
        let dataSet = try Fixtures.read(path)
        let first = DICOMJSONEncoder().encode(dataSet)
        let decoded = try DICOMJSONDecoder().decode(first)
        #expect(String(buffer: DICOMJSONEncoder().encode(decoded)) == String(buffer: first))
    }

    @Test(arguments: Fixtures.corpusFiles)
    func matchesPydicom(name: String) throws {
        try compareWithPydicom(name: name, threshold: nil)
    }

    @Test(arguments: ["CT_small.dcm", "JPEG2000.dcm", "test-SR.dcm"])
    func matchesPydicomWithBulkData(name: String) throws {
        try compareWithPydicom(name: name, threshold: 300)
    }

    private func compareWithPydicom(name: String, threshold: Int?) throws {
        let reference = try Pydicom.run(["pydicom:\(name)"] + (threshold.map { [String($0)] } ?? []))
        let dataSet = try Fixtures.read(reference.path)
        let encoder = DICOMJSONEncoder(bulkDataThreshold: threshold) { "bulk/\($0.tag.hexString)" }
        let ours = try object(encoder.encode(dataSet))
        let differences = JSONModelComparison.differences(ours: ours, theirs: reference.json)
        #expect(differences.isEmpty, "\(differences.prefix(10).joined(separator: "\n"))")
    }
}

/// Collects bulk data references from the encoder's callback.
final class Recorder: @unchecked Sendable {
    private var references: [BulkDataReference] = []
    private let lock = NSLock()

    func append(_ reference: BulkDataReference) {
        lock.withLock { references.append(reference) }
    }

    var all: [BulkDataReference] { lock.withLock { references } }
}

/// A small seeded generator, so that the mutation test is the same on every run.
