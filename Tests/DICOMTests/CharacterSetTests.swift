import DICOM
import Foundation
import Testing

@Suite struct CharacterSetTests {
    // MARK: pydicom's view of its test corpus (Fixtures/charsets.json)

    @Test func corpusDecodesAsPydicomDoes() throws {
        let fixtures = try PydicomFixture.all()
        #expect(fixtures.count > 500)
        for fixture in fixtures {
            let decoded = fixture.characterSet.decode(fixture.bytes, vr: fixture.vr)
            #expect(
                PydicomFixture.pydicomView(of: decoded, vr: fixture.vr) == fixture.pydicom,
                "\(fixture.file) \(fixture.tag) \(fixture.terms)")
        }
    }

    @Test func corpusRoundTrips() throws {
        for fixture in try PydicomFixture.all() {
            let set = fixture.characterSet
            let decoded = set.decode(fixture.bytes, vr: fixture.vr)
            let encoded = set.encode(decoded, vr: fixture.vr)
            if fixture.pydicomEncoded != nil {
                #expect(encoded != nil, "\(fixture.file) \(fixture.tag)")
            }
            if let encoded {
                #expect(set.decode(encoded, vr: fixture.vr) == decoded, "\(fixture.file) \(fixture.tag)")
            }
        }
    }

    /// pydicom encodes the strings it decoded; so do we, and the bytes agree.
    @Test func corpusEncodesAsPydicomDoes() throws {
        for fixture in try PydicomFixture.all() {
            guard let expected = fixture.pydicomEncoded.map(PydicomFixture.bytes(hex:)) else { continue }
            let encoded = fixture.characterSet.encode(fixture.pydicom, vr: fixture.vr)
            #expect(encoded == expected, "\(fixture.file) \(fixture.tag) \(fixture.terms)")
        }
    }

    // MARK: Escape sequences, one by one (PS3.3 Tables C.12-3 and C.12-4)

    @Test(
        arguments: [
            // ESC - F for each ISO 8859 part and TIS 620, with value 1 the default repertoire.
            (["", "ISO 2022 IR 100"], [0x61, 0x1B, 0x2D, 0x41, 0xE9], "aé"),
            (["", "ISO 2022 IR 101"], [0x1B, 0x2D, 0x42, 0xA3], "Ł"),
            (["", "ISO 2022 IR 109"], [0x1B, 0x2D, 0x43, 0xA1], "Ħ"),
            (["", "ISO 2022 IR 110"], [0x1B, 0x2D, 0x44, 0xA2], "ĸ"),
            (["", "ISO 2022 IR 126"], [0x1B, 0x2D, 0x46, 0xE1], "α"),
            (["", "ISO 2022 IR 127"], [0x1B, 0x2D, 0x47, 0xC7], "ا"),
            (["", "ISO 2022 IR 138"], [0x1B, 0x2D, 0x48, 0xE0], "א"),
            (["", "ISO 2022 IR 144"], [0x1B, 0x2D, 0x4C, 0xB0], "А"),
            (["", "ISO 2022 IR 148"], [0x1B, 0x2D, 0x4D, 0xFD], "ı"),
            (["", "ISO 2022 IR 203"], [0x1B, 0x2D, 0x62, 0xA4], "€"),
            (["", "ISO 2022 IR 166"], [0x1B, 0x2D, 0x54, 0xA1], "ก"),
            // ESC ) I: JIS X 0201 katakana into G1.
            (["", "ISO 2022 IR 13"], [0x1B, 0x29, 0x49, 0xB1], "ｱ"),
            // ESC $ B, back with ESC ( B or, when value 1 is ISO-IR 13, ESC ( J.
            (["", "ISO 2022 IR 87"], [0x1B, 0x24, 0x42, 0x3B, 0x33, 0x1B, 0x28, 0x42], "山"),
            (["ISO 2022 IR 13", "ISO 2022 IR 87"], [0x1B, 0x24, 0x42, 0x3B, 0x33, 0x1B, 0x28, 0x4A], "山"),
            // ESC $ ( D: JIS X 0212.
            (["", "ISO 2022 IR 159"], [0x1B, 0x24, 0x28, 0x44, 0x30, 0x21, 0x1B, 0x28, 0x42], "丂"),
            // ESC $ ) C and ESC $ ) A: KS X 1001 and GB 2312 into G1, no way back needed.
            (["", "ISO 2022 IR 149"], [0x1B, 0x24, 0x29, 0x43, 0xC8, 0xAB], "홍"),
            (["", "ISO 2022 IR 58"], [0x1B, 0x24, 0x29, 0x41, 0xCD, 0xF5], "王"),
        ] as [([String], [UInt8], String)])
    func escapeSequence(terms: [String], bytes: [UInt8], text: String) {
        let set = SpecificCharacterSet(terms: terms)
        #expect(set.unknownTerms.isEmpty)
        #expect(set.decode(bytes, vr: .LO) == text)
        #expect(set.encode(text, vr: .LO) == bytes)
    }

    @Test func escapeToASCIIInsideValue1Katakana() {
        let set = SpecificCharacterSet(terms: ["ISO 2022 IR 13", "ISO 2022 IR 87"])
        // ESC ( B then ESC ( J: both read as ASCII; 5C stays the value delimiter.
        #expect(set.decode([0xB1, 0x1B, 0x28, 0x42, 0x41, 0x1B, 0x28, 0x4A, 0x5C, 0x42], vr: .LO) == "ｱA\\B")
    }

    // MARK: Person names with three component groups

    @Test(
        arguments: [
            // PS3.5 H.3.1 (chrH31.dcm)
            (
                ["", "ISO 2022 IR 87"],
                "Yamada^Tarou=\u{1B}$B;3ED\u{1B}(B^\u{1B}$BB@O:\u{1B}(B=\u{1B}$B$d$^$@\u{1B}(B^\u{1B}$B$?$m$&\u{1B}(B",
                "Yamada^Tarou=山田^太郎=やまだ^たろう"
            ),
            // PS3.5 H.3.2 (chrH32.dcm): half-width katakana in value 1's G1.
            (
                ["ISO 2022 IR 13", "ISO 2022 IR 87"],
                "\u{D4}\u{CF}\u{C0}\u{DE}^\u{C0}\u{DB}\u{B3}=\u{1B}$B;3ED\u{1B}(J^\u{1B}$BB@O:\u{1B}(J=\u{1B}$B$d$^$@\u{1B}(J^\u{1B}$B$?$m$&\u{1B}(J",
                "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"
            ),
            // PS3.5 I.2 (chrI2.dcm): G1 designated again after each delimiter.
            (
                ["", "ISO 2022 IR 149"],
                "Hong^Gildong=\u{1B}$)C\u{FB}\u{F3}^\u{1B}$)C\u{D1}\u{CE}\u{D4}\u{D7}=\u{1B}$)C\u{C8}\u{AB}^\u{1B}$)C\u{B1}\u{E6}\u{B5}\u{BF}",
                "Hong^Gildong=洪^吉洞=홍^길동"
            ),
            // PS3.5 K.2: GB 2312 with code extensions.
            (
                ["", "ISO 2022 IR 58"],
                "Zhang^XiaoDong=\u{1B}$)A\u{D5}\u{C5}^\u{1B}$)A\u{D0}\u{A1}\u{B6}\u{AB}=",
                "Zhang^XiaoDong=张^小东="
            ),
        ] as [([String], String, String)])
    func personNameGroups(terms: [String], latin1Bytes: String, name: String) {
        let bytes = latin1Bytes.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        let set = SpecificCharacterSet(terms: terms)
        #expect(set.decode(bytes, vr: .PN) == name)
        #expect(set.encode(name, vr: .PN) == bytes)
    }

    @Test func standAloneEncodingsIgnoreCodeExtensions() {
        let utf8 = SpecificCharacterSet(terms: ["ISO_IR 192", "ISO 2022 IR 87"])
        #expect(utf8.decode(Array("Wang^XiaoDong=王^小東=".utf8), vr: .PN) == "Wang^XiaoDong=王^小東=")
        #expect(utf8.encode("王", vr: .PN) == [0xE7, 0x8E, 0x8B])
        let gb18030 = SpecificCharacterSet(terms: ["GB18030"])
        let chrX2: [UInt8] = Array("Wang^XiaoDong=".utf8) + [0xCD, 0xF5, 0x5E, 0xD0, 0xA1, 0xB6, 0xAB, 0x3D]
        #expect(gb18030.decode(chrX2, vr: .PN) == "Wang^XiaoDong=王^小东=")
        #expect(gb18030.encode("Wang^XiaoDong=王^小东=", vr: .PN) == chrX2)
        // In GBK the second byte may be 5C; it is no value delimiter there.
        let gbk = SpecificCharacterSet(terms: ["GBK"])
        #expect(gbk.decode([0x81, 0x5C, 0x5C, 0x41], vr: .LO) == "乗\\A")
        #expect(gbk.encode("乗\\A", vr: .LO) == [0x81, 0x5C, 0x5C, 0x41])
    }

    // MARK: Where value 1's sets come back (PS3.5 §6.1.2.5.3)

    @Test func delimitersResetToValue1() {
        let korean = SpecificCharacterSet(terms: ["", "ISO 2022 IR 149"])
        let designate: [UInt8] = [0x1B, 0x24, 0x29, 0x43]
        // After "^" in a PN nothing is in G1 any more, so the upper half reads as Latin-1.
        #expect(korean.decode(designate + [0xC8, 0xAB, 0x5E, 0xC8, 0xAB], vr: .PN) == "홍^È«")
        #expect(korean.decode(designate + [0xC8, 0xAB, 0x5E, 0xC8, 0xAB], vr: .LO) == "홍^홍")
        // The backslash separates values in LO, and is text in LT.
        #expect(korean.decode(designate + [0xC8, 0xAB, 0x5C, 0xC8, 0xAB], vr: .LO) == "홍\\È«")
        #expect(korean.decode(designate + [0xC8, 0xAB, 0x5C, 0xC8, 0xAB], vr: .LT) == "홍\\홍")
        // CR, LF, FF and TAB end a line in any VR.
        for control: UInt8 in [0x0D, 0x0A, 0x0C, 0x09] {
            let text = korean.decode(designate + [0xC8, 0xAB, control, 0xC8, 0xAB], vr: .LT)
            #expect(text.unicodeScalars.map(\.value) == [0xD64D, UInt32(control), 0xC8, 0xAB])
        }
    }

    @Test func jisDelimiterBytesInsideCharactersAreNotDelimiters() {
        // 3D 3E is one JIS X 0208 character, though 3D is "=" and 5E is "^".
        let set = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"])
        let bytes: [UInt8] = [0x1B, 0x24, 0x42, 0x3D, 0x3E, 0x5E, 0x5E, 0x1B, 0x28, 0x42]
        #expect(set.decode(bytes, vr: .PN) == "従湎")
        #expect(set.encode("従湎", vr: .PN) == bytes)
    }

    @Test func encoderSwitchesG1BackAfterDelimiter() {
        let set = SpecificCharacterSet(terms: ["ISO 2022 IR 100", "ISO 2022 IR 149"])
        let korean: [UInt8] = [0x1B, 0x24, 0x29, 0x43, 0xC8, 0xAB]
        let latin1: [UInt8] = [0x1B, 0x2D, 0x41, 0xE9]
        #expect(set.encode("é홍é", vr: .LO) == [0xE9] + korean + latin1)
        #expect(set.encode("홍^é", vr: .PN) == korean + [0x5E] + latin1)
        #expect(set.encode("é^é", vr: .PN) == [0xE9, 0x5E, 0xE9])
        #expect(set.decode([0xE9] + korean + latin1, vr: .LO) == "é홍é")
    }

    // MARK: Bad input

    @Test func invalidBytesBecomeReplacementCharacters() {
        let replacement = "\u{FFFD}"
        #expect(SpecificCharacterSet(terms: ["ISO_IR 127"]).decode([0x41, 0xA1], vr: .LO) == "A" + replacement)
        #expect(SpecificCharacterSet(terms: ["ISO_IR 192"]).decode([0x41, 0xFF], vr: .LO) == "A" + replacement)
        #expect(SpecificCharacterSet(terms: ["GB18030"]).decode([0x80, 0x41], vr: .LO) == replacement + "A")
        let japanese = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"])
        #expect(japanese.decode([0x1B, 0x24, 0x42, 0x3B], vr: .LO) == replacement)
        #expect(japanese.decode([0x1B, 0x24, 0x42, 0x22, 0x2F, 0x3B, 0x33], vr: .LO) == replacement + "山")
        let korean = SpecificCharacterSet(terms: ["", "ISO 2022 IR 149"])
        #expect(korean.decode([0x1B, 0x24, 0x29, 0x43, 0xC8], vr: .LO) == replacement)
        #expect(korean.decode([0x1B, 0x24, 0x29, 0x43, 0xAD, 0xA1, 0xC8, 0xAB], vr: .LO) == replacement + "홍")
        // An unknown or cut-off escape sequence stays text, read with value 1's sets.
        #expect(japanese.decode([0x1B, 0x28, 0x5A, 0x41], vr: .LO) == "\u{1B}(ZA")
        #expect(japanese.decode([0x41, 0x1B, 0x24], vr: .LO) == "A\u{1B}$")
    }

    @Test func unrepresentableTextDoesNotEncode() {
        #expect(SpecificCharacterSet(terms: ["ISO_IR 100"]).encode("山", vr: .LO) == nil)
        #expect(SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"]).encode("한", vr: .LO) == nil)
        #expect(SpecificCharacterSet.default.encode("é", vr: .PN) == nil)
        #expect(SpecificCharacterSet(terms: ["GBK"]).encode("한", vr: .LO) == nil)
        // ESC in text would read back as an escape sequence.
        #expect(SpecificCharacterSet(terms: ["ISO_IR 100"]).encode("a\u{1B}(B", vr: .LO) == nil)
    }

    @Test func unknownTermsFallBackToDefault() {
        let set = SpecificCharacterSet(terms: ["ISO_IR 999", "ISO 2022 IR 87", "FOO"])
        #expect(set.terms == ["ISO_IR 999", "ISO 2022 IR 87", "FOO"])
        #expect(set.unknownTerms == ["ISO_IR 999", "FOO"])
        // Value 1 unknown: the default repertoire, with pydicom's Latin-1 for the upper half.
        #expect(set.decode([0x43, 0x61, 0x66, 0xE9], vr: .LO) == "Café")
        #expect(set.decode([0x1B, 0x24, 0x42, 0x3B, 0x33, 0x1B, 0x28, 0x42], vr: .LO) == "山")
        #expect(set.encode("Cafe", vr: .LO) == Array("Cafe".utf8))
        #expect(set.encode("Café", vr: .LO) == nil)
    }

    @Test func misspelledTermsAreCorrected() {
        #expect(SpecificCharacterSet(terms: ["ISO IR 100"]).unknownTerms.isEmpty)
        #expect(SpecificCharacterSet(terms: ["ISO IR 100"]).decode([0xE9], vr: .LO) == "é")
        let japanese = SpecificCharacterSet(terms: ["ISO 2022 IR 6", "ISO_2022_IR_87"])
        #expect(japanese.unknownTerms.isEmpty)
        #expect(japanese.encode("山", vr: .LO) == [0x1B, 0x24, 0x42, 0x3B, 0x33, 0x1B, 0x28, 0x42])
    }

    @Test func defaultRepertoire() {
        #expect(SpecificCharacterSet.default.terms.isEmpty)
        #expect(SpecificCharacterSet(terms: []) == .default)
        #expect(SpecificCharacterSet(terms: [""]).unknownTerms.isEmpty)
        // VRs outside the specific character set are never read through it.
        let utf8 = SpecificCharacterSet(terms: ["ISO_IR 192"])
        #expect(utf8.decode([0x41, 0xC3, 0xA9], vr: .CS) == "AÃ©")
        #expect(utf8.encode("é", vr: .CS) == nil)
        #expect(utf8.encode("ORIGINAL\\PRIMARY", vr: .CS) == Array("ORIGINAL\\PRIMARY".utf8))
    }

    @Test func shiftJISInISOIR13IsRead() {
        // Writers that mean Shift JIS often say ISO_IR 13; pydicom reads it, and so do we.
        #expect(SpecificCharacterSet(terms: ["ISO_IR 13"]).decode([0x82, 0xA0, 0xB1], vr: .LO) == "あｱ")
    }

    @Test func contiguousAndNonContiguousInputAgree() {
        let set = SpecificCharacterSet(terms: ["", "ISO 2022 IR 149"])
        let bytes: [UInt8] = [0x1B, 0x24, 0x29, 0x43, 0xC8, 0xAB]
        #expect(set.decode(bytes.lazy.map { $0 }.reversed().reversed(), vr: .LO) == "홍")
    }

    // MARK: Random bytes

    /// Whatever the bytes, decoding returns, and what it returns encodes back to itself.
    @Test(
        arguments: [
            [], ["ISO_IR 100"], ["ISO_IR 127"], ["ISO_IR 13"], ["ISO_IR 166"], ["ISO_IR 192"], ["GB18030"], ["GBK"],
            ["", "ISO 2022 IR 87"], ["ISO 2022 IR 13", "ISO 2022 IR 87", "ISO 2022 IR 159"],
            ["", "ISO 2022 IR 149"], ["ISO 2022 IR 100", "ISO 2022 IR 58", "ISO 2022 IR 126"],
        ] as [[String]])
    func randomBytes(terms: [String]) {
        let set = SpecificCharacterSet(terms: terms)
        var random = SplitMix64(seed: UInt64(terms.joined().utf8.count) &+ 0x5EED)
        // Bytes that matter to the decoder, drawn more often than the rest.
        let interesting: [UInt8] = [
            0x1B, 0x24, 0x28, 0x29, 0x2D, 0x41, 0x42, 0x43, 0x44, 0x49, 0x4A, 0x5C, 0x5E, 0x3D, 0x0D,
        ]
        for _ in 0..<400 {
            let length = Int(random.next() % 24)
            let bytes = (0..<length).map { _ -> UInt8 in
                let draw = random.next()
                return draw % 3 == 0
                    ? interesting[Int(draw >> 8) % interesting.count] : UInt8(truncatingIfNeeded: draw >> 16)
            }
            for vr in [VR.PN, .LO, .LT] {
                let decoded = set.decode(bytes, vr: vr)
                if let encoded = set.encode(decoded, vr: vr) {
                    #expect(set.decode(encoded, vr: vr) == decoded, "\(terms) \(vr) \(bytes)")
                }
            }
        }
    }
}

/// A deterministic generator, so that a failure repeats.
