import DICOM
import NIOCore
import Testing

/// The bare data set entry points of the DICOM target that DIMSE uses.
@Suite("Bare data sets in a transfer syntax")
struct DIMSEDataSetEncodingTests {
    @Test func identifierFromBytes() throws {
        let identifier = try DataSet(decoding: DIMSETestSupport.identifier, transferSyntax: .implicitVRLittleEndian)
        #expect(identifier.string(.queryRetrieveLevel) == "STUDY")
        #expect(identifier.string(.patientID) == "PAT-1")
        #expect(try identifier.encoded(in: .implicitVRLittleEndian) == DIMSETestSupport.identifier)
    }

    @Test(arguments: TransferSyntax.uncompressed)
    func roundTripInEveryUncompressedSyntax(_ syntax: TransferSyntax) throws {
        var dataSet = DataSet()
        dataSet.set(.patientName, string: "Doe^Jane")
        dataSet.set(.rows, integers: [512])
        dataSet.set(
            .referencedSeriesSequence,
            items: [DataSet([DataElement(tag: .seriesInstanceUID, vr: .UI, bytes: ByteBuffer(string: "1.2.3\0"))])])
        let bytes = try dataSet.encoded(in: syntax)
        #expect(try DataSet(decoding: bytes, transferSyntax: syntax) == dataSet)
    }

    @Test func pixelDataMustFitTheSyntax() {
        var dataSet = DataSet()
        dataSet.set(.pixelData, vr: .OW, bytes: ByteBuffer(bytes: [0, 0]))
        let jpeg = TransferSyntax(uid: UID(unchecked: "1.2.840.10008.1.2.4.50"))
        #expect(throws: DICOMWriteError.nativePixelDataInEncapsulatedSyntax(transferSyntax: jpeg.uid)) {
            try dataSet.encoded(in: jpeg)
        }
    }

    @Test func truncatedInputIsAnError() {
        var bytes = DIMSETestSupport.identifier
        bytes.moveWriterIndex(to: bytes.writerIndex - 6)
        #expect(throws: DICOMReadError.self) {
            try DataSet(decoding: bytes, transferSyntax: .implicitVRLittleEndian)
        }
    }
}
