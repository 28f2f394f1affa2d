public import DICOM
public import NIOCore

/// The frames of an instance's pixel data, as WADO-RS `frames` sends them (PS3.18 8.7.3.3.2):
/// a native frame is its slice of the value; an encapsulated frame is its fragments
/// concatenated. Slices and fragments are views of the file's buffer, never copies.
/// Rendering reads native frames from the same slices.
public struct PixelDataFrames: Sendable {
    public let frames: [ByteBuffer]
    public let isEncapsulated: Bool

    public init(dataSet: DataSet) throws(PixelDataFrameError) {
        guard let element = dataSet[.pixelData] ?? dataSet[.floatPixelData] ?? dataSet[.doubleFloatPixelData] else {
            throw .noPixelData
        }
        let count = max(1, dataSet.int(.numberOfFrames) ?? 1)
        switch element.value {
        case .bytes(let bytes):
            frames = try PixelDataFrames.native(bytes, dataSet: dataSet, count: count)
            isEncapsulated = false
        case .encapsulated(let pixels):
            frames = try PixelDataFrames.encapsulated(pixels, dataSet: dataSet, count: count)
            isEncapsulated = true
        case .sequence:
            throw .malformed("pixel data is a sequence")
        }
    }

    /// Frames by number, from 1, in the order asked.
    public func select(_ numbers: [Int]) throws(PixelDataFrameError) -> [ByteBuffer] {
        var selected: [ByteBuffer] = []
        for number in numbers {
            guard number >= 1, number <= frames.count else { throw .noSuchFrame(number, count: frames.count) }
            selected.append(frames[number - 1])
        }
        return selected
    }

    private static func native(_ bytes: ByteBuffer, dataSet: DataSet, count: Int) throws(PixelDataFrameError)
        -> [ByteBuffer]
    {
        let rows = dataSet.int(.rows) ?? 0
        let columns = dataSet.int(.columns) ?? 0
        let samples = dataSet.int(.samplesPerPixel) ?? 1
        let bits = dataSet.int(.bitsAllocated) ?? 0
        guard rows > 0, columns > 0, samples > 0, bits > 0 else {
            throw .malformed("Rows, Columns, Samples per Pixel or Bits Allocated missing or zero")
        }
        // Each factor is at most 65535, so the product cannot overflow. YBR_FULL_422 keeps two
        // samples per pixel (PS3.3 C.7.6.3.1.2: Y Y Cb Cr for each pair of pixels).
        let is422 = dataSet.string(.photometricInterpretation) == "YBR_FULL_422"
        let frameBits = rows * columns * (is422 && samples == 3 ? 2 : samples) * bits
        guard frameBits % 8 == 0 else {
            throw .malformed("frames of \(frameBits) bits do not start on byte boundaries")
        }
        let frameLength = frameBits / 8
        guard frameLength * count <= bytes.readableBytes else {
            throw .malformed(
                "\(count) frames of \(frameLength) bytes exceed the \(bytes.readableBytes) bytes of pixel data")
        }
        return (0..<count).compactMap { index in
            bytes.getSlice(at: bytes.readerIndex + index * frameLength, length: frameLength)
        }
    }

    private static func encapsulated(
        _ pixels: EncapsulatedPixelData, dataSet: DataSet, count: Int
    ) throws(PixelDataFrameError) -> [ByteBuffer] {
        let fragments = pixels.fragments
        guard !fragments.isEmpty else { throw .malformed("encapsulated pixel data without fragments") }
        if count == 1 { return [concatenate(fragments[...])] }
        // Where each fragment's item starts, from the first item's first byte: the origin of
        // both offset tables (PS3.5 A.4).
        var starts: [Int] = []
        var position = 0
        for fragment in fragments {
            starts.append(position)
            position += 8 + fragment.readableBytes
        }
        var offsets = extendedOffsets(dataSet)
        if offsets.isEmpty { offsets = pixels.frameOffsets.map { Int($0) } }
        if offsets.count == count, let grouped = group(fragments, starts: starts, offsets: offsets) {
            return grouped
        }
        if fragments.count == count { return fragments }
        // No usable table: a new frame starts at each fragment opening with a JPEG SOI or a
        // JPEG 2000 SOC marker.
        let markerStarts = starts.indices.filter { index in
            let fragment = fragments[index]
            guard let first = fragment.getInteger(at: fragment.readerIndex, as: UInt16.self) else { return false }
            return first == 0xFFD8 || first == 0xFF4F
        }.map { starts[$0] }
        if markerStarts.count == count, let grouped = group(fragments, starts: starts, offsets: markerStarts) {
            return grouped
        }
        throw .malformed("cannot tell which of \(fragments.count) fragments belong to which of \(count) frames")
    }

    /// The fragments of each frame, the frame starting at each offset; nil when an offset
    /// falls inside a fragment or a frame would be empty.
    private static func group(_ fragments: [ByteBuffer], starts: [Int], offsets: [Int]) -> [ByteBuffer]? {
        var frames: [ByteBuffer] = []
        for (index, offset) in offsets.enumerated() {
            let end = index + 1 < offsets.count ? offsets[index + 1] : Int.max
            guard let first = starts.firstIndex(of: offset), offset < end else { return nil }
            var last = first
            while last + 1 < starts.count, starts[last + 1] < end { last += 1 }
            frames.append(concatenate(fragments[first...last]))
        }
        return frames
    }

    private static func extendedOffsets(_ dataSet: DataSet) -> [Int] {
        guard var table = dataSet.bytes(.extendedOffsetTable) else { return [] }
        var offsets: [Int] = []
        while let offset = table.readInteger(endianness: .little, as: UInt64.self) {
            guard offset <= UInt64(Int.max) else { return [] }
            offsets.append(Int(offset))
        }
        return offsets
    }

    private static func concatenate(_ fragments: ArraySlice<ByteBuffer>) -> ByteBuffer {
        if fragments.count == 1, let only = fragments.first { return only }
        var frame = ByteBuffer()
        frame.reserveCapacity(fragments.reduce(0) { $0 + $1.readableBytes })
        for fragment in fragments { frame.writeImmutableBuffer(fragment) }
        return frame
    }
}

public enum PixelDataFrameError: Error, Equatable, CustomStringConvertible {
    case noPixelData
    case noSuchFrame(Int, count: Int)
    case malformed(String)

    public var description: String {
        switch self {
        case .noPixelData: "the instance has no pixel data"
        case .noSuchFrame(let number, let count): "frame \(number) does not exist: the instance has \(count)"
        case .malformed(let reason): "the pixel data cannot be split into frames: \(reason)"
        }
    }
}
