public import DICOM
import NIOCore

/// The red, green and blue tables of PALETTE COLOR (PS3.3 C.7.6.3.1.5–6), each reduced to 8
/// bits. An index below the first mapped value takes the first entry, one past the table the
/// last (C.7.6.3.1.5).
public struct PaletteColorLUT: Sendable, Equatable {
    public var firstMapped: Int
    /// Entry i of each table, for index firstMapped + i.
    public var red: [UInt8]
    public var green: [UInt8]
    public var blue: [UInt8]

    public init(dataSet: DataSet) throws(ImagingError) {
        let red = try PaletteColorLUT.table(
            dataSet, .redPaletteColorLookupTableDescriptor, .redPaletteColorLookupTableData)
        let green = try PaletteColorLUT.table(
            dataSet, .greenPaletteColorLookupTableDescriptor, .greenPaletteColorLookupTableData)
        let blue = try PaletteColorLUT.table(
            dataSet, .bluePaletteColorLookupTableDescriptor, .bluePaletteColorLookupTableData)
        guard red.first == green.first, green.first == blue.first else {
            throw .malformed("the palette descriptors disagree on the first mapped value")
        }
        self.firstMapped = red.first
        self.red = red.entries
        self.green = green.entries
        self.blue = blue.entries
    }

    /// RGB, interleaved, for each index of a frame.
    func rgb(_ frame: MonochromeFrame) -> [UInt8] {
        let count = frame.values.count
        var output = [UInt8](repeating: 0, count: count * 3)
        output.withUnsafeMutableBufferPointer { out in
            for (pixel, value) in frame.values.enumerated() {
                let index = max(0, min(red.count - 1, Int(value) - firstMapped))
                out[pixel * 3] = red[index]
                out[pixel * 3 + 1] = green[index]
                out[pixel * 3 + 2] = blue[index]
            }
        }
        return output
    }

    private static func table(_ dataSet: DataSet, _ descriptorTag: Tag, _ dataTag: Tag) throws(ImagingError) -> (
        first: Int, entries: [UInt8]
    ) {
        let descriptor = dataSet.ints(descriptorTag)
        guard descriptor.count == 3 else {
            throw .malformed("\(descriptorTag) needs 3 values, has \(descriptor.count)")
        }
        // The descriptor may be SS: 0x8000… reads negative but means a count or index.
        let count = descriptor[0] & 0xFFFF == 0 ? 65536 : descriptor[0] & 0xFFFF
        let first = descriptor[1] & 0xFFFF
        let bits = descriptor[2]
        guard bits == 8 || bits == 16 else { throw .malformed("\(descriptorTag): \(bits) bits per entry") }
        guard let data = dataSet.bytes(dataTag) else {
            throw .unsupported("PALETTE COLOR without \(dataTag) (segmented palettes are not rendered yet)")
        }
        let bytes = Array(data.readableBytesView)
        var entries: [UInt8] = []
        entries.reserveCapacity(count)
        if bits == 8, bytes.count == count || bytes.count == count + 1 {
            // 8-bit entries packed two to a word (the data is OW, so it may carry one pad byte).
            entries = Array(bytes[0..<count])
        } else if bytes.count >= count * 2 {
            for index in 0..<count {
                let word = Int(bytes[index * 2]) | Int(bytes[index * 2 + 1]) << 8
                entries.append(UInt8(bits == 16 ? word >> 8 : word & 0xFF))
            }
        } else {
            throw .malformed("\(dataTag) holds \(bytes.count) bytes for \(count) entries of \(bits) bits")
        }
        return (first, entries)
    }
}
