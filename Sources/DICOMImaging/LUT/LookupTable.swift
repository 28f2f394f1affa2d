public import DICOM
import NIOCore

/// A LUT of the Modality LUT or VOI LUT Sequence (PS3.3 C.11.1, C.11.2): a descriptor
/// (entries, first mapped input value, bits per entry) and its data. Inputs below the first
/// mapped value take the first entry, inputs past the table the last.
public struct LookupTable: Sendable, Hashable {
    public var firstMapped: Int
    public var bits: Int
    public var entries: [Int]

    /// The first item of `sequence` in `dataSet`, nil when there is none. `signedInput` says
    /// that the values looked up can be negative, so that a first mapped value read as US
    /// (implicit VR files, where the dictionary says "US or SS") is taken as SS.
    public init?(sequence: Tag, in dataSet: DataSet, signedInput: Bool) throws(ImagingError) {
        guard let item = dataSet.sequence(sequence)?.first else { return nil }
        let descriptor = item.ints(.lutDescriptor)
        guard descriptor.count == 3 else {
            throw .malformed("LUT Descriptor in \(sequence) needs 3 values, has \(descriptor.count)")
        }
        let count = descriptor[0] & 0xFFFF == 0 ? 65536 : descriptor[0] & 0xFFFF
        // The first mapped value is signed when the input values are (it is then SS).
        var first = descriptor[1] & 0xFFFF
        if item[.lutDescriptor]?.vr == .SS || signedInput, first >= 0x8000 { first -= 0x10000 }
        let bits = descriptor[2]
        guard (1...16).contains(bits) else { throw .malformed("LUT of \(bits) bits per entry in \(sequence)") }
        guard let data = item.bytes(.lutData) else { throw .malformed("LUT Data missing in \(sequence)") }
        var entries: [Int] = []
        entries.reserveCapacity(count)
        let bytes = data.readableBytesView
        if bits <= 8, bytes.count == count || bytes.count == count + 1 {
            entries = bytes.prefix(count).map(Int.init)
        } else if bytes.count >= count * 2 {
            var reader = data
            for _ in 0..<count {
                guard let word = reader.readInteger(endianness: .little, as: UInt16.self) else { break }
                entries.append(Int(word))
            }
        }
        guard entries.count == count else {
            throw .malformed("LUT Data in \(sequence) holds \(bytes.count) bytes for \(count) entries")
        }
        self.firstMapped = first
        self.bits = bits
        self.entries = entries
    }

    public subscript(input: Int) -> Int {
        entries[max(0, min(entries.count - 1, input - firstMapped))]
    }

    /// The largest value an entry can hold.
    var maximumOutput: Int { (1 << bits) - 1 }
}
