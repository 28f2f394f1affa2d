import NIOCore
import Testing

@testable import DICOM

@Suite("Tags, VRs and data sets")
struct ModelTests {
    @Test func tagNotationAndOrder() {
        let tag = Tag(0x0010, 0x0010)
        #expect(tag.description == "(0010,0010)")
        #expect(tag.hexString == "00100010")
        #expect(Tag(hexString: "(7FE0,0010)") == Tag(0x7FE0, 0x0010))
        #expect(Tag(hexString: "7fe00010") == Tag(0x7FE0, 0x0010))
        #expect(Tag(hexString: "7FE0001") == nil)
        #expect(Tag(hexString: "GGGG0010") == nil)
        #expect(Tag(0x0008, 0xFFFF) < Tag(0x0009, 0x0000))
        #expect(Tag(rawValue: 0x0020_000D) == Tag(0x0020, 0x000D))
    }

    @Test func privateTags() {
        #expect(Tag(0x0009, 0x0010).isPrivateCreator)
        #expect(Tag(0x0009, 0x1001).isPrivate)
        #expect(Tag(0x0009, 0x1001).privateCreatorTag == Tag(0x0009, 0x0010))
        #expect(Tag(0x0029, 0x2210).privateCreatorTag == Tag(0x0029, 0x0022))
        #expect(!Tag(0x0001, 0x0010).isPrivate)
        #expect(!Tag(0xFFFF, 0x0010).isPrivate)
        #expect(Tag(0x0009, 0x0005).privateCreatorTag == nil)
    }

    @Test func allThirtyFourVRsFromTheirBytes() {
        #expect(VR.allCases.count == 34)
        for vr in VR.allCases {
            let (first, second) = vr.bytes
            #expect(VR(byte0: first, byte1: second) == vr)
        }
        #expect(VR(byte0: 0x00, byte1: 0x00) == nil)
        #expect(VR(byte0: UInt8(ascii: "Z"), byte1: UInt8(ascii: "Z")) == nil)
        let long: Set<VR> = [.OB, .OD, .OF, .OL, .OV, .OW, .SQ, .SV, .UC, .UN, .UR, .UT, .UV]
        #expect(Set(VR.allCases.filter(\.hasLongExplicitLength)) == long)
    }

    @Test func dataSetKeepsTagOrderAndReplaces() {
        var dataSet = DataSet()
        dataSet.set(.patientID, string: "B")
        dataSet.set(.patientName, string: "A")
        dataSet.set(.sopInstanceUID, string: "1.2.3")
        dataSet.set(.patientID, string: "C")
        #expect(dataSet.tags == [.sopInstanceUID, .patientName, .patientID])
        #expect(dataSet.string(.patientID) == "C")
        #expect(dataSet.remove(.patientName)?.tag == .patientName)
        #expect(dataSet.remove(.patientName) == nil)
        #expect(dataSet.count == 2)
        dataSet[.patientName] = DataElement(tag: .patientID, vr: .PN, bytes: ByteBuffer(string: "X^Y "))
        #expect(dataSet[.patientName]?.tag == .patientName, "the subscript key wins over the element's tag")
        dataSet[.patientName] = nil
        #expect(!dataSet.contains(.patientName))
    }

    @Test func accessorsTrimPaddingAndSplitValues() {
        var dataSet = DataSet()
        dataSet.insert(DataElement(tag: .imageType, vr: .CS, bytes: ByteBuffer(string: "ORIGINAL\\PRIMARY ")))
        dataSet.insert(DataElement(tag: .sopInstanceUID, vr: .UI, bytes: ByteBuffer(bytes: Array("1.2.3\0".utf8))))
        dataSet.insert(DataElement(tag: .studyDescription, vr: .LO, bytes: ByteBuffer(string: " lead kept? ")))
        dataSet.insert(DataElement(tag: .imageComments, vr: .LT, bytes: ByteBuffer(string: "  a\\b  ")))
        #expect(dataSet.strings(.imageType) == ["ORIGINAL", "PRIMARY"])
        #expect(dataSet.uid(.sopInstanceUID) == UID("1.2.3"))
        #expect(dataSet.string(.studyDescription) == "lead kept?")
        #expect(dataSet.string(.imageComments) == "  a\\b", "LT keeps leading spaces and backslashes")
        #expect(dataSet.strings(.patientName).isEmpty)
    }

    @Test func numbersFromBinaryAndStringVRs() {
        var dataSet = DataSet()
        dataSet.set(.rows, integers: [512])
        dataSet.set(.instanceNumber, vr: .IS, strings: [" 12", "+7 ", "x"])
        dataSet.set(.sliceThickness, vr: .DS, strings: ["1.25"])
        dataSet.set(.pixelPaddingValue, vr: .SS, integers: [-2000])
        dataSet.set(Tag(0x0018, 0x9306), vr: .FD, doubles: [0.5, -1])
        #expect(dataSet.int(.rows) == 512)
        #expect(dataSet.ints(.instanceNumber) == [12, 7])
        #expect(dataSet.double(.sliceThickness) == 1.25)
        #expect(dataSet.int(.pixelPaddingValue) == -2000)
        #expect(dataSet.doubles(Tag(0x0018, 0x9306)) == [0.5, -1])
        #expect(dataSet.double(.rows) == 512)
    }

    @Test func accessorsNeverTrapOnMalformedValues() {
        var dataSet = DataSet()
        // Three bytes of US: one whole value and a stray byte.
        dataSet.insert(DataElement(tag: .rows, vr: .US, bytes: ByteBuffer(bytes: [0x01, 0x02, 0x03])))
        dataSet.insert(DataElement(tag: .studyDate, vr: .DA, bytes: ByteBuffer(string: "2026-13-45")))
        dataSet.insert(DataElement(tag: .patientAge, vr: .AS, bytes: ByteBuffer(string: "12")))
        dataSet.insert(DataElement(tag: .referencedFrameNumber, vr: .IS, bytes: ByteBuffer(bytes: [0xFF, 0xFE])))
        dataSet.insert(DataElement(tag: .frameIncrementPointer, vr: .AT, bytes: ByteBuffer(bytes: [0x28, 0x00, 0x09])))
        #expect(dataSet.ints(.rows) == [0x0201])
        #expect(dataSet.date(.studyDate) == nil)
        #expect(dataSet.age(.patientAge) == nil)
        #expect(dataSet.ints(.referencedFrameNumber).isEmpty)
        #expect(dataSet.attributeTags(.frameIncrementPointer).isEmpty)
        #expect(dataSet.personName(.rows) == nil)
    }

    @Test func attributeTagsRoundTrip() {
        var dataSet = DataSet()
        dataSet.set(.frameIncrementPointer, attributeTags: [Tag(0x0018, 0x1063), Tag(0x0054, 0x0080)])
        #expect(dataSet.attributeTags(.frameIncrementPointer) == [Tag(0x0018, 0x1063), Tag(0x0054, 0x0080)])
        #expect(dataSet.strings(.frameIncrementPointer) == ["(0018,1063)", "(0054,0080)"])
    }

    @Test func itemsInheritTheCharacterSet() {
        var item = DataSet(inheritedCharacterSet: SpecificCharacterSet(terms: ["ISO_IR 192"]))
        item.insert(DataElement(tag: .patientName, vr: .PN, bytes: ByteBuffer(bytes: Array("Müller".utf8))))
        #expect(item.string(.patientName) == "Müller")
        var own = item
        own.set(.specificCharacterSet, string: "ISO_IR 100")
        #expect(own.characterSet.terms == ["ISO_IR 100"])
    }

    @Test func encapsulatedFrameOffsets() {
        var table = ByteBuffer()
        for offset: UInt32 in [0, 1024, 4096] { table.writeInteger(offset, endianness: .little) }
        let pixels = EncapsulatedPixelData(basicOffsetTable: table, fragments: [])
        #expect(pixels.frameOffsets == [0, 1024, 4096])
        let broken = EncapsulatedPixelData(basicOffsetTable: ByteBuffer(bytes: [1, 2, 3]), fragments: [])
        #expect(broken.frameOffsets.isEmpty)
    }
}
