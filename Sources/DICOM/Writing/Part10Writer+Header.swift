public import NIOCore

extension DICOMFile {
    /// The preamble, `DICM` and file meta information (PS3.10 §7.1) to put before a data set
    /// that arrived bare (a C-STORE, a C-GET), so that with it the data set's bytes make a
    /// Part 10 file while they stay exactly as received — deflated or not, never re-encoded.
    public static func part10Header(
        sopClassUID: String, sopInstanceUID: String, transferSyntax: TransferSyntax, sourceAETitle: String? = nil
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
