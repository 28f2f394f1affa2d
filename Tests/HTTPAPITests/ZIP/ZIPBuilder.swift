import DICOM
import NIOCore

@testable import HTTPAPI

/// Hand-made ZIP archives for the reader's tests, honest or lying: every field of the
/// central directory can be set to what a hostile archive would say.
struct ZIPBuilder {
    struct Entry {
        var name: String
        var data: [UInt8]
        var method: UInt16 = ZIPFormat.methodStored
        var flags: UInt16 = 0
        /// What the headers claim; the truth when nil.
        var crc: UInt32? = nil
        var uncompressedSize: UInt32? = nil
        var compressedSize: UInt32? = nil
        /// Point the central record at another entry's local header.
        var localHeaderOf: Int? = nil

        static func deflated(_ name: String, _ bytes: [UInt8]) -> Entry {
            let compressed = Deflate.deflate(ByteBuffer(bytes: bytes)).map { Array($0.readableBytesView) } ?? []
            return Entry(
                name: name, data: compressed, method: ZIPFormat.methodDeflated, crc: CRC32.of(ByteBuffer(bytes: bytes)),
                uncompressedSize: UInt32(bytes.count))
        }
    }

    var entries: [Entry]
    var comment: [UInt8] = []

    func build() -> ByteBuffer {
        var output = ByteBuffer()
        var offsets: [Int] = []
        for entry in entries {
            offsets.append(output.writerIndex)
            output.writeInteger(ZIPFormat.localHeaderSignature, endianness: .little)
            output.writeInteger(UInt16(20), endianness: .little)
            output.writeInteger(entry.flags, endianness: .little)
            output.writeInteger(entry.method, endianness: .little)
            output.writeInteger(UInt32(0), endianness: .little)
            output.writeInteger(crc(of: entry), endianness: .little)
            output.writeInteger(compressed(entry), endianness: .little)
            output.writeInteger(uncompressed(entry), endianness: .little)
            output.writeInteger(UInt16(entry.name.utf8.count), endianness: .little)
            output.writeInteger(UInt16(0), endianness: .little)
            output.writeString(entry.name)
            output.writeBytes(entry.data)
        }
        let directoryOffset = output.writerIndex
        for (index, entry) in entries.enumerated() {
            output.writeInteger(ZIPFormat.centralHeaderSignature, endianness: .little)
            output.writeInteger(UInt16(20), endianness: .little)
            output.writeInteger(UInt16(20), endianness: .little)
            output.writeInteger(entry.flags, endianness: .little)
            output.writeInteger(entry.method, endianness: .little)
            output.writeInteger(UInt32(0), endianness: .little)
            output.writeInteger(crc(of: entry), endianness: .little)
            output.writeInteger(compressed(entry), endianness: .little)
            output.writeInteger(uncompressed(entry), endianness: .little)
            output.writeInteger(UInt16(entry.name.utf8.count), endianness: .little)
            output.writeInteger(UInt16(0), endianness: .little)
            output.writeInteger(UInt16(0), endianness: .little)
            output.writeInteger(UInt16(0), endianness: .little)
            output.writeInteger(UInt16(0), endianness: .little)
            output.writeInteger(UInt32(0), endianness: .little)
            output.writeInteger(UInt32(offsets[entry.localHeaderOf ?? index]), endianness: .little)
            output.writeString(entry.name)
        }
        let directorySize = output.writerIndex - directoryOffset
        output.writeInteger(ZIPFormat.endOfCentralDirectorySignature, endianness: .little)
        output.writeInteger(UInt32(0), endianness: .little)
        output.writeInteger(UInt16(entries.count), endianness: .little)
        output.writeInteger(UInt16(entries.count), endianness: .little)
        output.writeInteger(UInt32(directorySize), endianness: .little)
        output.writeInteger(UInt32(directoryOffset), endianness: .little)
        output.writeInteger(UInt16(comment.count), endianness: .little)
        output.writeBytes(comment)
        return output
    }

    private func crc(of entry: Entry) -> UInt32 { entry.crc ?? CRC32.of(ByteBuffer(bytes: entry.data)) }
    private func compressed(_ entry: Entry) -> UInt32 { entry.compressedSize ?? UInt32(entry.data.count) }
    private func uncompressed(_ entry: Entry) -> UInt32 { entry.uncompressedSize ?? UInt32(entry.data.count) }
}
