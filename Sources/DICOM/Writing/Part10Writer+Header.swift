public import NIOCore

extension DICOMFile {
    /// The preamble, `DICM` and file meta information (PS3.10 §7.1) to put before a data set
    /// that arrived bare (a C-STORE, a C-GET), so that with it the data set's bytes make a
    /// Part 10 file while they stay exactly as received — deflated or not, never re-encoded.
    ///
    /// The same meta information as `metaInformation(for:)` gives a file with these UIDs, made
    /// for each instance received: encoded once, the group length filled in afterwards.
    public static func part10Header(
        sopClassUID: String, sopInstanceUID: String, transferSyntax: TransferSyntax, sourceAETitle: String? = nil
    ) throws -> ByteBuffer {
        var meta = implementationMeta
        // The UIDs as `metaInformation(for:)` takes them from a data set: read back as a UI value.
        if let uid = uidValue(sopClassUID) { meta.set(.mediaStorageSOPClassUID, vr: .UI, string: uid) }
        if let uid = uidValue(sopInstanceUID) { meta.set(.mediaStorageSOPInstanceUID, vr: .UI, string: uid) }
        meta.set(.transferSyntaxUID, vr: .UI, string: transferSyntax.uid.rawValue)
        if let sourceAETitle, !sourceAETitle.isEmpty {
            meta.set(.sourceApplicationEntityTitle, vr: .AE, string: sourceAETitle)
        }
        var header = ByteBuffer()
        header.reserveCapacity(256 + sopClassUID.utf8.count + sopInstanceUID.utf8.count)
        header.writeRepeatingByte(0, count: 128)
        header.writeBytes(Part10Reader.magic)
        let encoder = DataSetEncoder(isExplicitVR: true, isLittleEndian: true)
        // (0002,0000) UL, its value after the 8 bytes of tag, VR and length.
        let groupLengthAt = header.writerIndex + 8
        try encoder.encode(
            DataElement(tag: .fileMetaInformationGroupLength, vr: .UL, bytes: ByteBuffer(repeating: 0, count: 4)),
            into: &header)
        let start = header.writerIndex
        try encoder.encode(meta, into: &header)
        header.setInteger(
            UInt32(truncatingIfNeeded: header.writerIndex - start), at: groupLengthAt, endianness: .little)
        return header
    }

    /// What every header holds: the version and Apus's implementation class and name.
    private static let implementationMeta: DataSet = {
        var meta = DataSet()
        meta.set(.fileMetaInformationVersion, vr: .OB, bytes: ByteBuffer(bytes: [0x00, 0x01]))
        meta.set(.implementationClassUID, vr: .UI, string: Implementation.classUID.rawValue)
        meta.set(.implementationVersionName, vr: .SH, string: Implementation.versionName)
        return meta
    }()

    /// A UID as a data set holding it gives it back: its first value without padding; nil when
    /// it has no value at all.
    private static func uidValue(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        if bytes.count % 2 == 1 { bytes.append(VR.UI.paddingByte) }
        return DataElement(tag: .sopClassUID, vr: .UI, bytes: ByteBuffer(bytes: bytes)).strings(characterSet: .default)
            .first
    }
}
