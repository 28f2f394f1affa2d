import NIOCore

/// Finds the preamble and file meta information, decides the transfer syntax and reads the
/// data set (PS3.10 §7.1). Input without preamble, or without meta information, is read
/// when the options allow it, guessing the encoding from the first element.
enum Part10Reader {
    static let magic: [UInt8] = Array("DICM".utf8)

    static func read(_ input: ByteBuffer, options: ReadOptions) throws(DICOMReadError) -> DICOMFile {
        var buffer = input
        var preamble: ByteBuffer?
        if buffer.readableBytes >= 132, buffer.getBytes(at: buffer.readerIndex + 128, length: 4) == magic {
            preamble = buffer.readSlice(length: 128)
            buffer.moveReaderIndex(forwardBy: 4)
        } else if buffer.getBytes(at: buffer.readerIndex, length: 4) == magic {
            buffer.moveReaderIndex(forwardBy: 4)
        } else if !options.allowRawDataSet {
            throw .notPart10(reason: "no DICM prefix after a 128-byte preamble")
        }

        var meta = DataSet()
        if startsWithGroup2(buffer) {
            var parser = DataSetParser(buffer: buffer, isLittleEndian: true, options: options)
            meta = try parser.readDataSet(until: .groupOtherThan(0x0002), explicitVR: true, depth: 0, inherited: nil)
            buffer = parser.buffer
        } else if !options.allowRawDataSet {
            throw .notPart10(reason: "no file meta information (group 0002)")
        }

        let transferSyntax = meta.uid(.transferSyntaxUID).map(TransferSyntax.init(uid:)) ?? guess(buffer)
        if transferSyntax.isDeflated {
            let rest = buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer()
            buffer = try Deflate.inflate(rest, maximumSize: options.maximumInflatedSize)
        }
        var parser = DataSetParser(buffer: buffer, isLittleEndian: transferSyntax.isLittleEndian, options: options)
        let dataSet = try parser.readDataSet(
            until: .index(parser.end), explicitVR: transferSyntax.isExplicitVR, depth: 0, inherited: nil)
        return DICOMFile(meta: meta, dataSet: dataSet, transferSyntax: transferSyntax, preamble: preamble)
    }

    private static func startsWithGroup2(_ buffer: ByteBuffer) -> Bool {
        buffer.getInteger(at: buffer.readerIndex, endianness: .little, as: UInt16.self) == 0x0002
    }

    /// The encoding of a data set that came without meta information: explicit when the
    /// first element has two letters where an explicit VR would be; big endian when the
    /// first group reads smaller that way, since data sets start with low groups.
    static func guess(_ buffer: ByteBuffer) -> TransferSyntax {
        let start = buffer.readerIndex
        guard let little = buffer.getInteger(at: start, endianness: .little, as: UInt16.self),
            let big = buffer.getInteger(at: start, endianness: .big, as: UInt16.self),
            let first = buffer.getInteger(at: start + 4, as: UInt8.self),
            let second = buffer.getInteger(at: start + 5, as: UInt8.self)
        else { return .implicitVRLittleEndian }
        let explicit = VR(byte0: first, byte1: second) != nil
        if big < little { return .explicitVRBigEndian }
        return explicit ? .explicitVRLittleEndian : .implicitVRLittleEndian
    }
}
