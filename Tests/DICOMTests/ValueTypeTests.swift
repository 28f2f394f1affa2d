import Testing

@testable import DICOM

@Suite("Value types: PN, DA, TM, DT, AS, IS, DS, UI")
struct ValueTypeTests {
    @Test func personNameGroupsAndComponents() {
        let name = PersonName("Yamada^Tarou=山田^太郎=やまだ^たろう")
        #expect(name.alphabetic.familyName == "Yamada")
        #expect(name.alphabetic.givenName == "Tarou")
        #expect(name.ideographic.familyName == "山田")
        #expect(name.phonetic.givenName == "たろう")
        #expect(name.description == "Yamada^Tarou=山田^太郎=やまだ^たろう")
        let short = PersonName("Doe^John^^Dr^")
        #expect(short.alphabetic.namePrefix == "Dr")
        #expect(short.description == "Doe^John^^Dr")
        #expect(PersonName("").description == "")
        #expect(PersonName("=Ideo").ideographic.familyName == "Ideo")
        #expect(PersonName("a^b^c^d^e^f").alphabetic.nameSuffix == "e^f")
        #expect(!PersonName(String(repeating: "x", count: 65)).isValid)
    }

    @Test func dates() {
        #expect(DicomDate("20240229") == DicomDate(year: 2024, month: 2, day: 29))
        #expect(DicomDate("20230229") == nil)
        #expect(DicomDate("1999.12.31")?.description == "19991231")
        #expect(DicomDate("2024011") == nil)
        #expect(DicomDate("2024A101") == nil)
        #expect(DicomDate("20241301") == nil)
        #expect(DicomDate("20240101")! < DicomDate("20240102")!)
    }

    @Test func times() {
        #expect(DicomTime("07")?.hour == 7)
        #expect(DicomTime("0730")?.minute == 30)
        let precise = DicomTime("073015.25")
        #expect(precise?.second == 15)
        #expect(precise?.microsecond == 250_000)
        #expect(precise?.description == "073015.25")
        #expect(DicomTime("07:30:15")?.second == 15)
        #expect(DicomTime("2400") == nil)
        #expect(DicomTime("0760") == nil)
        #expect(DicomTime("073") == nil)
        #expect(DicomTime("0730.5") == nil)
        #expect(DicomTime("235960")?.second == 60, "leap second")
    }

    @Test func dateTimes() {
        let value = DicomDateTime("20261125101500.123456+0130")
        #expect(value?.year == 2026)
        #expect(value?.month == 11)
        #expect(value?.time?.microsecond == 123_456)
        #expect(value?.utcOffsetMinutes == 90)
        #expect(DicomDateTime("2026")?.month == nil)
        #expect(DicomDateTime("202611-0500")?.utcOffsetMinutes == -300)
        #expect(DicomDateTime("20261340") == nil)
        #expect(DicomDateTime("2026+2500") == nil)
    }

    @Test func ages() {
        #expect(AgeString("056Y")?.value == 56)
        #expect(AgeString("003W")?.unit == .weeks)
        #expect(AgeString("56Y") == nil)
        #expect(AgeString("056X") == nil)
    }

    @Test func integerAndDecimalStrings() {
        #expect(IntegerString.parse(" -12 ") == -12)
        #expect(IntegerString.parse("+5") == 5)
        #expect(IntegerString.parse("2147483648") == nil)
        #expect(IntegerString.parse("1.0") == nil)
        #expect(IntegerString.isValid("-2147483648"))
        #expect(DecimalString.parse("1.5e3") == 1500)
        #expect(DecimalString.parse(" .5") == 0.5)
        #expect(DecimalString.parse("nan") == nil)
        #expect(DecimalString.parse("0x10") == nil)
        for value in [0.1, -1024, 1.0 / 3.0, 123_456_789.123_456_789, 1e-10, 6.02e23] {
            let text = DecimalString.format(value)
            #expect(text.utf8.count <= 16, "\(text)")
            let parsed = DecimalString.parse(text) ?? .nan
            #expect(abs(parsed - value) <= abs(value) * 1e-9, "\(value) -> \(text)")
        }
    }

    @Test func uids() {
        #expect(UID("1.2.840.10008.1.2") != nil)
        #expect(UID("1.2.840.10008.1.2\0")?.rawValue == "1.2.840.10008.1.2")
        #expect(UID("1.02.3") == nil, "leading zero in a component")
        #expect(UID("1..2") == nil)
        #expect(UID("1.2.") == nil)
        #expect(UID("1.2.a") == nil)
        #expect(UID("0.1") != nil)
        #expect(UID(String(repeating: "1", count: 65)) == nil)
    }
}
