import DICOM
import DICOMImaging
import NIOCore

/// Data sets made in the tests, with native pixel data of a known layout.
enum TestImages {
    /// A monochrome image; `samples` are written as Bits Allocated says (little endian).
    static func monochrome(
        rows: Int, columns: Int, bitsAllocated: Int = 16, bitsStored: Int? = nil, highBit: Int? = nil,
        signed: Bool = false, photometric: String = "MONOCHROME2", frames: Int = 1, samples: [Int]
    ) -> DataSet {
        var dataSet = base(rows: rows, columns: columns, samplesPerPixel: 1, photometric: photometric)
        dataSet.set(.bitsAllocated, vr: .US, integers: [bitsAllocated])
        dataSet.set(.bitsStored, vr: .US, integers: [bitsStored ?? bitsAllocated])
        dataSet.set(.highBit, vr: .US, integers: [highBit ?? (bitsStored ?? bitsAllocated) - 1])
        dataSet.set(.pixelRepresentation, vr: .US, integers: [signed ? 1 : 0])
        if frames > 1 { dataSet.set(.numberOfFrames, vr: .IS, string: String(frames)) }
        var bytes = ByteBuffer()
        for sample in samples {
            switch bitsAllocated {
            case 8: bytes.writeInteger(UInt8(truncatingIfNeeded: sample))
            case 16: bytes.writeInteger(UInt16(truncatingIfNeeded: sample), endianness: .little)
            default: bytes.writeInteger(UInt32(truncatingIfNeeded: sample), endianness: .little)
            }
        }
        if bytes.readableBytes % 2 == 1 { bytes.writeInteger(UInt8(0)) }
        dataSet.set(.pixelData, vr: bitsAllocated == 8 ? .OB : .OW, bytes: bytes)
        return dataSet
    }

    /// An 8-bit colour image from interleaved triplets, written in the planar configuration asked.
    static func color(rows: Int, columns: Int, photometric: String = "RGB", planar: Int = 0, triplets: [UInt8])
        -> DataSet
    {
        var dataSet = base(rows: rows, columns: columns, samplesPerPixel: 3, photometric: photometric)
        dataSet.set(.bitsAllocated, vr: .US, integers: [8])
        dataSet.set(.bitsStored, vr: .US, integers: [8])
        dataSet.set(.highBit, vr: .US, integers: [7])
        dataSet.set(.pixelRepresentation, vr: .US, integers: [0])
        dataSet.set(.planarConfiguration, vr: .US, integers: [planar])
        var bytes: [UInt8] = triplets
        if planar == 1 {
            let count = rows * columns
            bytes = (0..<3).flatMap { sample in (0..<count).map { triplets[$0 * 3 + sample] } }
        }
        if bytes.count % 2 == 1 { bytes.append(0) }
        dataSet.set(.pixelData, vr: .OB, bytes: ByteBuffer(bytes: bytes))
        return dataSet
    }

    private static func base(rows: Int, columns: Int, samplesPerPixel: Int, photometric: String) -> DataSet {
        var dataSet = DataSet()
        dataSet.set(.sopClassUID, vr: .UI, string: "1.2.840.10008.5.1.4.1.1.7")
        dataSet.set(.sopInstanceUID, vr: .UI, string: "1.2.826.0.1.3680043.10.5.1")
        dataSet.set(.samplesPerPixel, vr: .US, integers: [samplesPerPixel])
        dataSet.set(.photometricInterpretation, vr: .CS, string: photometric)
        dataSet.set(.rows, vr: .US, integers: [rows])
        dataSet.set(.columns, vr: .US, integers: [columns])
        return dataSet
    }

    static func render(_ dataSet: DataSet, _ options: RenderingOptions = RenderingOptions()) throws -> RenderedImage {
        try ImageRenderer.render(dataSet, transferSyntax: .explicitVRLittleEndian, options: options)
    }

    /// A smooth synthetic CT-like slice: a disc of soft tissue with a bright ring, in HU
    /// stored with intercept −1024.
    static func ct(size: Int = 512) -> DataSet {
        var samples: [Int] = []
        samples.reserveCapacity(size * size)
        let middle = Double(size) / 2
        for y in 0..<size {
            for x in 0..<size {
                let distance =
                    ((Double(x) - middle) * (Double(x) - middle) + (Double(y) - middle) * (Double(y) - middle))
                    .squareRoot() / middle
                let hu: Double =
                    distance > 0.9
                    ? -1000
                    : distance > 0.8
                        ? 700 : 40 + 30 * ((Double(x * 7 + y * 3).truncatingRemainder(dividingBy: 50)) / 50)
                samples.append(Int(hu) + 1024)
            }
        }
        var dataSet = monochrome(rows: size, columns: size, bitsStored: 12, samples: samples)
        dataSet.set(.rescaleIntercept, vr: .DS, string: "-1024")
        dataSet.set(.rescaleSlope, vr: .DS, string: "1")
        dataSet.set(.windowCenter, vr: .DS, string: "40")
        dataSet.set(.windowWidth, vr: .DS, string: "400")
        return dataSet
    }
}
