import DICOM
import NIOCore
import Testing

/// `DICOMFile.part10Header` encodes the meta information once for each instance received; its
/// bytes must stay those of the meta information `metaInformation(for:)` gives a file with
/// the same UIDs, which files stored before were written with.
@Suite("Part 10 header of a bare data set")
struct Part10HeaderTests {
    /// The header as it was made before: a data set of the UIDs, its meta information, the
    /// source AE title added and the group length counted again.
    private static func reference(
        sopClassUID: String, sopInstanceUID: String, transferSyntax: TransferSyntax, sourceAETitle: String?
    ) throws -> ByteBuffer {
        var uids = DataSet()
        uids.set(.sopClassUID, vr: .UI, string: sopClassUID)
        uids.set(.sopInstanceUID, vr: .UI, string: sopInstanceUID)
        var meta = DICOMFile(dataSet: uids, transferSyntax: transferSyntax).metaInformation(for: transferSyntax)
        if let sourceAETitle, !sourceAETitle.isEmpty {
            meta.set(.sourceApplicationEntityTitle, vr: .AE, string: sourceAETitle)
            meta.remove(.fileMetaInformationGroupLength)
            let body = try meta.encoded(in: .explicitVRLittleEndian)
            meta.set(.fileMetaInformationGroupLength, vr: .UL, integers: [body.readableBytes])
        }
        var header = ByteBuffer()
        header.writeRepeatingByte(0, count: 128)
        header.writeString("DICM")
        var encoded = try meta.encoded(in: .explicitVRLittleEndian)
        header.writeBuffer(&encoded)
        return header
    }

    static let uids = [
        "1.2.840.10008.5.1.4.1.1.4", "1.2.3", "1.2.34", "", " ", "\0", " 1.2.3 ", "1.2\\3.4", "\\1.2",
        String(repeating: "1.", count: 40_000) + "1",
    ]

    @Test("the header is the meta information metaInformation(for:) gives, for odd, padded and odd-looking UIDs")
    func sameAsMetaInformation() throws {
        for (index, uid) in Self.uids.enumerated() {
            let other = Self.uids[(index + 1) % Self.uids.count]
            for syntax in [
                TransferSyntax.explicitVRLittleEndian, .implicitVRLittleEndian, .deflatedExplicitVRLittleEndian,
            ] {
                for title in [nil, "", "STORESCU", "ODD"] {
                    let header = try DICOMFile.part10Header(
                        sopClassUID: uid, sopInstanceUID: other, transferSyntax: syntax, sourceAETitle: title)
                    let expected = try Self.reference(
                        sopClassUID: uid, sopInstanceUID: other, transferSyntax: syntax, sourceAETitle: title)
                    #expect(header == expected, "\(uid.prefix(20)) \(other.prefix(20)) \(syntax.uid) \(title ?? "nil")")
                }
            }
        }
    }

    @Test("the header and a bare data set read as a Part 10 file with the UIDs and the source AE title")
    func readsAsAFile() throws {
        var dataSet = DataSet()
        dataSet.set(.sopClassUID, string: "1.2.840.10008.5.1.4.1.1.7")
        dataSet.set(.sopInstanceUID, string: "1.2.3.4")
        var bytes = try DICOMFile.part10Header(
            sopClassUID: "1.2.840.10008.5.1.4.1.1.7", sopInstanceUID: "1.2.3.4",
            transferSyntax: .explicitVRLittleEndian,
            sourceAETitle: "STORESCU")
        var body = try dataSet.encoded(in: .explicitVRLittleEndian)
        bytes.writeBuffer(&body)
        let file = try DICOMFile(reading: bytes)
        #expect(file.meta.string(.mediaStorageSOPInstanceUID) == "1.2.3.4")
        #expect(file.meta.string(.sourceApplicationEntityTitle) == "STORESCU")
        #expect(file.dataSet == dataSet)
    }
}
