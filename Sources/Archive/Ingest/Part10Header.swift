import DICOM
import NIOCore

/// The preamble, `DICM` and file meta information (PS3.10 §7.1) to put before a data set that
/// arrived bare (C-STORE), so that its blob is a Part 10 file while the data set's bytes stay
/// exactly as received — deflated or not, never re-encoded.
enum Part10Header {
    static func make(
        sopClassUID: String, sopInstanceUID: String, transferSyntax: TransferSyntax, sourceAETitle: String?
    ) throws -> ByteBuffer {
        var uids = DataSet()
        uids.set(.sopClassUID, vr: .UI, string: sopClassUID)
        uids.set(.sopInstanceUID, vr: .UI, string: sopInstanceUID)
        var meta = DICOMFile(dataSet: uids, transferSyntax: transferSyntax).metaInformation(for: transferSyntax)
        if let sourceAETitle, !sourceAETitle.isEmpty {
            meta.set(.sourceApplicationEntityTitle, vr: .AE, string: sourceAETitle)
            // The group length covers the new element too.
            meta.remove(.fileMetaInformationGroupLength)
            let body = try meta.encoded(in: .explicitVRLittleEndian)
            meta.set(.fileMetaInformationGroupLength, vr: .UL, integers: [body.readableBytes])
        }
        var header = ByteBuffer()
        header.writeRepeatingByte(0, count: 128)
        header.writeString("DICM")
        var encodedMeta = try meta.encoded(in: .explicitVRLittleEndian)
        header.writeBuffer(&encodedMeta)
        return header
    }
}
