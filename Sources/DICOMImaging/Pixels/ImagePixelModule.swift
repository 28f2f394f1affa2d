public import DICOM

/// The attributes of the Image Pixel module (PS3.3 C.7.6.3) that say how to read a native
/// frame, checked against each other before any byte is read.
public struct ImagePixelModule: Sendable, Hashable {
    public var rows: Int
    public var columns: Int
    public var samplesPerPixel: Int
    public var bitsAllocated: Int
    public var bitsStored: Int
    public var highBit: Int
    /// Pixel Representation 1: two's complement samples.
    public var isSigned: Bool
    public var photometricInterpretation: PhotometricInterpretation
    /// 0: samples interleaved per pixel (R G B R G B…); 1: one plane per sample (R… G… B…).
    public var planarConfiguration: Int
    public var numberOfFrames: Int

    public init(dataSet: DataSet) throws(ImagingError) {
        guard
            dataSet.contains(.pixelData) || dataSet.contains(.floatPixelData)
                || dataSet.contains(.doubleFloatPixelData)
        else { throw .noPixelData }
        guard !dataSet.contains(.floatPixelData), !dataSet.contains(.doubleFloatPixelData) else {
            throw .unsupported("float pixel data is not rendered yet")
        }
        guard let rows = dataSet.int(.rows), let columns = dataSet.int(.columns), rows > 0, columns > 0 else {
            throw .malformed("Rows and Columns must be present and positive")
        }
        guard let term = dataSet.string(.photometricInterpretation) else {
            throw .malformed("Photometric Interpretation is missing")
        }
        let interpretation = PhotometricInterpretation(term)
        if case .other(let term) = interpretation {
            throw .unsupported("photometric interpretation \(term) has no renderer")
        }
        let samples = dataSet.int(.samplesPerPixel) ?? interpretation.samplesPerPixel
        guard samples == interpretation.samplesPerPixel else {
            throw .malformed("Samples per Pixel is \(samples), \(term) needs \(interpretation.samplesPerPixel)")
        }
        guard let bitsAllocated = dataSet.int(.bitsAllocated) else { throw .malformed("Bits Allocated is missing") }
        let supported: Set<Int> = interpretation.isMonochrome ? [8, 16, 32] : [8, 16]
        guard supported.contains(bitsAllocated) else {
            throw .unsupported("\(bitsAllocated) bits allocated for \(term)")
        }
        let bitsStored = dataSet.int(.bitsStored) ?? bitsAllocated
        guard (1...bitsAllocated).contains(bitsStored) else {
            throw .malformed("Bits Stored \(bitsStored) with Bits Allocated \(bitsAllocated)")
        }
        let highBit = dataSet.int(.highBit) ?? bitsStored - 1
        guard highBit >= bitsStored - 1, highBit < bitsAllocated else {
            throw .malformed("High Bit \(highBit) with Bits Stored \(bitsStored) and Bits Allocated \(bitsAllocated)")
        }
        self.rows = rows
        self.columns = columns
        self.samplesPerPixel = samples
        self.bitsAllocated = bitsAllocated
        self.bitsStored = bitsStored
        self.highBit = highBit
        self.isSigned = dataSet.int(.pixelRepresentation) == 1
        self.photometricInterpretation = interpretation
        self.planarConfiguration = dataSet.int(.planarConfiguration) ?? 0
        self.numberOfFrames = max(1, dataSet.int(.numberOfFrames) ?? 1)
    }

    /// Bytes one frame takes in native encoding.
    var frameLength: Int {
        let samples = photometricInterpretation == .ybrFull422 ? 2 : samplesPerPixel
        return rows * columns * samples * (bitsAllocated / 8)
    }
}
