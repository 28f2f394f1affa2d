public import NIOCore

/// The identity Apus writes into the file meta information of the files it creates.
public enum Implementation {
    /// A UUID-derived UID (PS3.5 B.2), which needs no registered root.
    public static let classUID = UID(unchecked: "2.25.237138374265433370257714404681321700116")
    public static let versionName = "APUS_0_1"
}

extension DICOMFile {
    /// The file as Part 10 bytes in `transferSyntax` (the file's own by default): preamble,
    /// `DICM`, file meta information with a fresh group length, then the data set.
    /// Encapsulated pixel data is kept as it is and needs an encapsulated syntax; native pixel
    /// data can be written in any uncompressed syntax.
    public func encoded(in target: TransferSyntax? = nil) throws(DICOMWriteError) -> ByteBuffer {
        let syntax = target ?? transferSyntax
        if let pixels = dataSet[.pixelData] {
            if case .encapsulated = pixels.value, !syntax.isEncapsulated {
                throw .encapsulatedPixelDataNeedsEncapsulatedSyntax(transferSyntax: syntax.uid)
            }
            if case .bytes = pixels.value, syntax.isEncapsulated {
                throw .nativePixelDataInEncapsulatedSyntax(transferSyntax: syntax.uid)
            }
        }
        var output = ByteBuffer()
        output.reserveCapacity(estimatedSize + 1024)
        if let preamble, preamble.readableBytes == 128 {
            output.writeImmutableBuffer(preamble)
        } else {
            output.writeRepeatingByte(0, count: 128)
        }
        output.writeBytes(Part10Reader.magic)
        try DataSetEncoder(isExplicitVR: true, isLittleEndian: true).encode(metaInformation(for: syntax), into: &output)

        let encoder = DataSetEncoder(transferSyntax: syntax)
        // Group 0002 is the meta information's, written above; elements of it in the data set
        // (a damaged file can put them there) would be read back as part of the meta.
        var dataSet = self.dataSet
        if !dataSet.elements(in: Tag(0x0002, 0x0000)..<Tag(0x0003, 0x0000)).isEmpty {
            dataSet.removeAll { $0.tag.group == 0x0002 }
        }
        if syntax.isDeflated {
            var body = ByteBuffer()
            body.reserveCapacity(estimatedSize)
            try encoder.encode(dataSet, into: &body)
            guard let deflated = DataSetEncoder.deflatedDataSet(body) else { throw .deflateFailed }
            output.writeImmutableBuffer(deflated)
        } else {
            try encoder.encode(dataSet, into: &output)
        }
        return output
    }

    /// The file meta information to write: this file's, with the group length, version,
    /// transfer syntax and (where missing) SOP class/instance and implementation filled in.
    public func metaInformation(for syntax: TransferSyntax) -> DataSet {
        var meta = self.meta
        meta.set(.fileMetaInformationVersion, vr: .OB, bytes: ByteBuffer(bytes: [0x00, 0x01]))
        if !meta.contains(.mediaStorageSOPClassUID), let sopClass = dataSet.string(.sopClassUID) {
            meta.set(.mediaStorageSOPClassUID, vr: .UI, string: sopClass)
        }
        if !meta.contains(.mediaStorageSOPInstanceUID), let instance = dataSet.string(.sopInstanceUID) {
            meta.set(.mediaStorageSOPInstanceUID, vr: .UI, string: instance)
        }
        meta.set(.transferSyntaxUID, vr: .UI, string: syntax.uid.rawValue)
        // PS3.10 §7.1: the implementation class identifies who wrote the file, which is us now.
        meta.set(.implementationClassUID, vr: .UI, string: Implementation.classUID.rawValue)
        meta.set(.implementationVersionName, vr: .SH, string: Implementation.versionName)
        meta.remove(.fileMetaInformationGroupLength)
        var body = ByteBuffer()
        // Meta elements are short strings and UIDs: encoding them can't fail.
        try? DataSetEncoder(isExplicitVR: true, isLittleEndian: true).encode(meta, into: &body)
        meta.set(.fileMetaInformationGroupLength, vr: .UL, integers: [body.readableBytes])
        return meta
    }

    /// A rough size of the encoded data set, to reserve the output buffer once.
    var estimatedSize: Int {
        dataSet.elements.reduce(0) { total, element in
            switch element.value {
            case .bytes(let value): total + value.readableBytes + 12
            case .encapsulated(let pixels): total + pixels.fragments.reduce(0) { $0 + $1.readableBytes + 8 } + 32
            case .sequence: total + 256
            }
        }
    }
}
