public import NIOCore

/// A DICOM Part 10 file (PS3.10 §7.1): preamble, `DICM`, the file meta information
/// (group 0002, always Explicit VR Little Endian) and the data set in its transfer syntax.
public struct DICOMFile: Sendable, Equatable {
    /// The 128-byte preamble, nil for input that had none.
    public var preamble: ByteBuffer?
    /// File meta information, group 0002.
    public var meta: DataSet
    public var dataSet: DataSet
    /// The transfer syntax the data set was read in, or is to be written in.
    public var transferSyntax: TransferSyntax

    public init(
        meta: DataSet = DataSet(), dataSet: DataSet, transferSyntax: TransferSyntax, preamble: ByteBuffer? = nil
    ) {
        self.meta = meta
        self.dataSet = dataSet
        self.transferSyntax = transferSyntax
        self.preamble = preamble
    }
}

extension DICOMFile {
    /// Reads a Part 10 file from a buffer; values are slices of that buffer.
    public init(reading input: ByteBuffer, options: ReadOptions = ReadOptions()) throws(DICOMReadError) {
        self = try Part10Reader.read(input, options: options)
    }

    /// Reads a Part 10 file from disk.
    public init(contentsOf path: String, options: ReadOptions = ReadOptions()) throws(DICOMReadError) {
        let bytes = try FileBytes.read(path: path)
        self = try Part10Reader.read(bytes, options: options)
    }
}
