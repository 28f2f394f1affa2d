import NIOCore
import Testing

@testable import DICOM

@Suite("Part 10 reading and writing")
struct Part10Tests {
    static let fixtures = String(#filePath.dropLast("Part10Tests.swift".count)) + "Fixtures/"

    static func sampleDataSet() -> DataSet {
        var dataSet = DataSet()
        dataSet.set(.specificCharacterSet, string: "ISO_IR 192")
        dataSet.set(.sopClassUID, string: "1.2.840.10008.5.1.4.1.1.7")
        dataSet.set(.sopInstanceUID, string: "2.25.1")
        dataSet.set(.patientName, string: "Grüße^Jörg")
        dataSet.set(.rows, integers: [2])
        dataSet.set(.columns, integers: [3])
        // Signed pixels: in implicit VR the reader must pick SS of "US or SS" from this.
        dataSet.set(.pixelRepresentation, integers: [1])
        dataSet.set(.pixelPaddingValue, vr: .SS, integers: [-1])
        dataSet.set(.frameIncrementPointer, attributeTags: [Tag(0x0018, 0x1063)])
        var item = DataSet()
        item.set(.referencedSOPInstanceUID, string: "2.25.2")
        var inner = DataSet()
        inner.set(.codeValue, string: "T-D3000")
        item.set(.conceptNameCodeSequence, items: [inner])
        dataSet.set(.referencedImageSequence, items: [item, DataSet()])
        dataSet.set(Tag(0x0009, 0x0010), vr: .LO, string: "ACME")
        dataSet.set(Tag(0x0009, 0x1001), vr: .UN, bytes: ByteBuffer(bytes: [1, 2, 3, 4]))
        dataSet.set(.pixelData, vr: .OW, bytes: ByteBuffer(bytes: [1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0]))
        return dataSet
    }

    @Test(arguments: TransferSyntax.uncompressed)
    func writeThenReadGivesTheSameDataSet(syntax: TransferSyntax) throws {
        let file = DICOMFile(dataSet: Self.sampleDataSet(), transferSyntax: syntax)
        let bytes = try file.encoded()
        #expect(bytes.getString(at: 128, length: 4) == "DICM")
        let read = try DICOMFile(reading: bytes)
        #expect(read.transferSyntax == syntax)
        #expect(read.dataSet == file.dataSet)
        #expect(read.dataSet.string(.patientName) == "Grüße^Jörg")
        #expect(read.dataSet.int(.pixelPaddingValue) == -1)
        #expect(read.meta.uid(.transferSyntaxUID) == syntax.uid)
        #expect(read.meta.uid(.mediaStorageSOPInstanceUID) == UID("2.25.1"))
        #expect(read.meta.uid(.implementationClassUID) == Implementation.classUID)
    }

    @Test func deflatedDataSetsAreOfEvenLength() throws {
        for padding in 0..<8 {
            var dataSet = Self.sampleDataSet()
            dataSet.set(.imageComments, string: String(repeating: "x", count: padding * 7))
            let bytes = try dataSet.encoded(in: .deflatedExplicitVRLittleEndian)
            #expect(bytes.readableBytes % 2 == 0)
            #expect(try DataSet(decoding: bytes, transferSyntax: .deflatedExplicitVRLittleEndian) == dataSet)
        }
    }

    @Test func metaGroupLengthCountsTheMetaElements() throws {
        let bytes = try DICOMFile(dataSet: Self.sampleDataSet(), transferSyntax: .explicitVRLittleEndian).encoded()
        let read = try DICOMFile(reading: bytes)
        let groupLength = try #require(read.meta.int(.fileMetaInformationGroupLength))
        // Preamble, DICM and the group length element itself (12 bytes) precede the counted part.
        let dataSetStart = 132 + 12 + groupLength
        #expect(bytes.getInteger(at: dataSetStart, endianness: .little, as: UInt16.self) == 0x0008)
    }

    @Test func encapsulatedPixelDataKeepsItsFragments() throws {
        var dataSet = Self.sampleDataSet()
        let fragments = [ByteBuffer(bytes: [0xFF, 0xD8, 0xFF]), ByteBuffer(bytes: [0xD9, 0x00])]
        dataSet.insert(
            DataElement(
                tag: .pixelData, vr: .OB,
                value: .encapsulated(EncapsulatedPixelData(basicOffsetTable: ByteBuffer(), fragments: fragments))))
        let jpeg = TransferSyntax(uid: UID(unchecked: "1.2.840.10008.1.2.4.50"))
        let bytes = try DICOMFile(dataSet: dataSet, transferSyntax: jpeg).encoded()
        let read = try DICOMFile(reading: bytes)
        guard case .encapsulated(let pixels) = read.dataSet[.pixelData]?.value else {
            Issue.record("pixel data not encapsulated")
            return
        }
        #expect(pixels.fragments.count == 2)
        #expect(pixels.fragments[0] == ByteBuffer(bytes: [0xFF, 0xD8, 0xFF, 0x00]), "odd fragment padded")
        #expect(throws: DICOMWriteError.self) {
            try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
        }
        #expect(throws: DICOMWriteError.self) {
            try DICOMFile(dataSet: Self.sampleDataSet(), transferSyntax: jpeg).encoded()
        }
    }

    @Test func bulkDataIsASliceOfTheInput() throws {
        let bytes = try DICOMFile(dataSet: Self.sampleDataSet(), transferSyntax: .explicitVRLittleEndian).encoded()
        let read = try DICOMFile(reading: bytes)
        let pixels = try #require(read.dataSet.bytes(.pixelData))
        let sameStorage = bytes.withUnsafeReadableBytes { whole in
            pixels.withUnsafeReadableBytes { slice in
                guard let base = whole.baseAddress, let start = slice.baseAddress else { return false }
                return start >= base && start < base + whole.count
            }
        }
        #expect(sameStorage, "pixel data should reference the input buffer, not a copy")
    }

    @Test func headerOnlyReadStopsBeforePixelData() throws {
        let bytes = try DICOMFile(dataSet: Self.sampleDataSet(), transferSyntax: .explicitVRLittleEndian).encoded()
        let read = try DICOMFile(reading: bytes, options: ReadOptions(stopBeforePixelData: true))
        #expect(!read.dataSet.contains(.pixelData))
        #expect(read.dataSet.int(.rows) == 2)
    }

    @Test func rawDataSetNeedsTheOption() throws {
        var body = ByteBuffer()
        try DataSetEncoder(transferSyntax: .implicitVRLittleEndian).encode(Self.sampleDataSet(), into: &body)
        #expect(throws: DICOMReadError.notPart10(reason: "no DICM prefix after a 128-byte preamble")) {
            try DICOMFile(reading: body)
        }
        let read = try DICOMFile(reading: body, options: ReadOptions(allowRawDataSet: true))
        #expect(read.transferSyntax == .implicitVRLittleEndian)
        #expect(read.dataSet.string(.patientName) == "Grüße^Jörg")
    }

    @Test func theCommittedSampleReads() throws {
        let file = try DICOMFile(contentsOf: Self.fixtures + "sample-ct.dcm")
        #expect(file.transferSyntax == .explicitVRLittleEndian)
        #expect(file.dataSet.personName(.patientName)?.alphabetic.familyName == "Müller")
        #expect(file.dataSet.personName(.patientName)?.ideographic.givenName == "ユルゲン")
        #expect(file.dataSet.int(.rows) == 64)
        #expect(file.dataSet.bytes(.pixelData)?.readableBytes == 64 * 64 * 2)
        #expect(file.dataSet.string(Tag(0x0009, 0x1001)) == "private value")
        #expect(file.dataSet.sequence(.referencedImageSequence)?.count == 1)
        let dump = DumpFormatter().format(file)
        #expect(dump.contains("(0010,0010) PN [Müller^Jürgen=ミュラー^ユルゲン]"))
    }

    @Test func missingFileIsAnIOError() {
        #expect {
            try DICOMFile(contentsOf: "/nonexistent/file.dcm")
        } throws: { error in
            guard case .io = error as? DICOMReadError else { return false }
            return true
        }
    }
}
