public import NIOCore

/// A bare data set (no preamble, no file meta information) read from or written to bytes in
/// a given transfer syntax: what DIMSE carries in P-DATA-TF (PS3.7 §6.3.1, PS3.8 Annex E).
/// Command sets are always Implicit VR Little Endian; data sets follow the presentation
/// context's transfer syntax.
extension DataSet {
    /// Reads a data set encoded in `transferSyntax`. Values are slices of `bytes`, except
    /// for deflated input (inflated first, within `options.maximumInflatedSize`) and big
    /// endian numbers (byte-swapped). Like the Part 10 reader, the parser trusts the bytes
    /// of the first element over the transfer syntax when they disagree on explicit VR.
    public init(
        decoding bytes: ByteBuffer, transferSyntax: TransferSyntax, options: ReadOptions = ReadOptions()
    ) throws(DICOMReadError) {
        var input = bytes
        if transferSyntax.isDeflated {
            input = try Deflate.inflate(bytes, maximumSize: options.maximumInflatedSize)
        }
        var parser = DataSetParser(buffer: input, isLittleEndian: transferSyntax.isLittleEndian, options: options)
        self = try parser.readDataSet(
            until: .index(parser.end), explicitVR: transferSyntax.isExplicitVR, depth: 0, inherited: nil)
    }

    /// The data set encoded in `transferSyntax`. Group length elements other than group
    /// 0002's are left out, as in files; a caller that needs one (a DIMSE command set's
    /// (0000,0000)) writes it from the length of these bytes. Encapsulated pixel data needs
    /// an encapsulated syntax and native pixel data an uncompressed one.
    public func encoded(in transferSyntax: TransferSyntax) throws(DICOMWriteError) -> ByteBuffer {
        if let pixels = self[.pixelData] {
            if case .encapsulated = pixels.value, !transferSyntax.isEncapsulated {
                throw .encapsulatedPixelDataNeedsEncapsulatedSyntax(transferSyntax: transferSyntax.uid)
            }
            if case .bytes = pixels.value, transferSyntax.isEncapsulated {
                throw .nativePixelDataInEncapsulatedSyntax(transferSyntax: transferSyntax.uid)
            }
        }
        var output = ByteBuffer()
        try DataSetEncoder(transferSyntax: transferSyntax).encode(self, into: &output)
        guard transferSyntax.isDeflated else { return output }
        guard let deflated = DataSetEncoder.deflatedDataSet(output) else { throw .deflateFailed }
        return deflated
    }
}
