import NIOCore

/// Writes a ZIP archive as a stream: the caller sends what `startEntry` returns, then the
/// entry's bytes as they come (passing each chunk to `append`, which only counts and
/// checksums it), then what `finishEntry` returns, and after the last entry what `finish`
/// returns. Nothing of an entry is held: its CRC-32 and size follow it in a data descriptor
/// (APPNOTE 4.3.9), so the archive can start before anything is known of its content. What
/// is kept is the central directory, about 100 bytes an entry.
///
/// Entries are "stored", not deflated: DICOM pixel data is mostly compressed already (JPEG,
/// JPEG 2000, RLE) or noisy 12–16-bit samples that deflate shrinks by a fifth at best, at a
/// cost of about 20 MB/s per core; stored entries stream at disk speed and make archives
/// whose entries can be read in place. ZIP64 records (APPNOTE 4.5.3, 4.3.14) are written
/// where a size or offset passes 4 GiB or the entries pass 65,535, and only there, so small
/// archives open in any reader.
struct ZIPWriter: Sendable {
    /// The entry being written.
    private struct OpenEntry: Sendable {
        var name: [UInt8]
        var localHeaderOffset: UInt64
        /// The local header announced 64-bit sizes: the data descriptor carries them.
        var zip64: Bool
        var crc = CRC32()
        var size: UInt64 = 0
    }

    private let timestamp: DOSTimestamp
    /// Bytes returned so far: the offset of what comes next.
    private(set) var offset: UInt64 = 0
    private(set) var entryCount: UInt64 = 0
    private var centralDirectory = ByteBuffer()
    private var open: OpenEntry?
    private var finished = false

    init(modified: DOSTimestamp) {
        self.timestamp = modified
    }

    /// The local file header of the next entry. `expectedSize` decides the header's form: an
    /// entry that may reach 4 GiB (or whose size is unknown) gets ZIP64 sizes; one announced
    /// smaller that turns out larger fails at `finishEntry`.
    mutating func startEntry(name: String, expectedSize: Int?) throws(ZIPWriteError) -> ByteBuffer {
        guard !finished, open == nil else { throw .misuse("startEntry while an entry is open or after finish") }
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= Int(UInt16.max) else { throw .badName(name) }
        let zip64 = expectedSize.map { UInt64(max($0, 0)) >= ZIPFormat.overflow32 } ?? true
        var header = ByteBuffer()
        header.reserveCapacity(ZIPFormat.localHeaderSize + nameBytes.count + 20)
        header.writeInteger(ZIPFormat.localHeaderSignature, endianness: .little)
        header.writeInteger(zip64 ? ZIPFormat.versionZIP64 : ZIPFormat.versionDefault, endianness: .little)
        header.writeInteger(ZIPFormat.flagDataDescriptor | ZIPFormat.flagUTF8Names, endianness: .little)
        header.writeInteger(ZIPFormat.methodStored, endianness: .little)
        header.writeInteger(timestamp.time, endianness: .little)
        header.writeInteger(timestamp.date, endianness: .little)
        // CRC-32 and sizes are zero here: the data descriptor has them (4.4.4, bit 3).
        header.writeInteger(UInt32(0), endianness: .little)
        header.writeInteger(UInt32(zip64 ? UInt32.max : 0), endianness: .little)
        header.writeInteger(UInt32(zip64 ? UInt32.max : 0), endianness: .little)
        header.writeInteger(UInt16(nameBytes.count), endianness: .little)
        header.writeInteger(UInt16(zip64 ? 20 : 0), endianness: .little)
        header.writeBytes(nameBytes)
        if zip64 {
            // 4.5.3: in a local header both sizes are present; zero until the descriptor.
            header.writeInteger(ZIPFormat.zip64ExtraID, endianness: .little)
            header.writeInteger(UInt16(16), endianness: .little)
            header.writeInteger(UInt64(0), endianness: .little)
            header.writeInteger(UInt64(0), endianness: .little)
        }
        open = OpenEntry(name: nameBytes, localHeaderOffset: offset, zip64: zip64)
        offset += UInt64(header.readableBytes)
        return header
    }

    /// Counts and checksums a chunk of the open entry; the caller sends the chunk itself.
    mutating func append(_ chunk: ByteBuffer) throws(ZIPWriteError) {
        guard open != nil else { throw .misuse("append without an open entry") }
        open?.crc.update(chunk)
        open?.size += UInt64(chunk.readableBytes)
        offset += UInt64(chunk.readableBytes)
    }

    /// The same for bytes the caller sends some other way (a sparse test file).
    mutating func append(_ bytes: UnsafeRawBufferPointer) throws(ZIPWriteError) {
        guard open != nil else { throw .misuse("append without an open entry") }
        open?.crc.update(bytes)
        open?.size += UInt64(bytes.count)
        offset += UInt64(bytes.count)
    }

    /// The data descriptor closing the open entry.
    mutating func finishEntry() throws(ZIPWriteError) -> ByteBuffer {
        guard let entry = open else { throw .misuse("finishEntry without an open entry") }
        if !entry.zip64, entry.size >= ZIPFormat.overflow32 {
            throw .entryTooLarge(name: String(decoding: entry.name, as: UTF8.self), size: entry.size)
        }
        var descriptor = ByteBuffer()
        descriptor.writeInteger(ZIPFormat.dataDescriptorSignature, endianness: .little)
        descriptor.writeInteger(entry.crc.value, endianness: .little)
        if entry.zip64 {
            descriptor.writeInteger(entry.size, endianness: .little)
            descriptor.writeInteger(entry.size, endianness: .little)
        } else {
            descriptor.writeInteger(UInt32(entry.size), endianness: .little)
            descriptor.writeInteger(UInt32(entry.size), endianness: .little)
        }
        appendCentralRecord(entry)
        open = nil
        entryCount += 1
        offset += UInt64(descriptor.readableBytes)
        return descriptor
    }

    /// The central directory and the end records; the archive is complete after them.
    mutating func finish() throws(ZIPWriteError) -> ByteBuffer {
        guard !finished, open == nil else { throw .misuse("finish while an entry is open or twice") }
        finished = true
        let directoryOffset = offset
        let directorySize = UInt64(centralDirectory.readableBytes)
        var tail = centralDirectory
        centralDirectory = ByteBuffer()
        let zip64 =
            entryCount >= ZIPFormat.overflow16 || directoryOffset >= ZIPFormat.overflow32
            || directorySize >= ZIPFormat.overflow32
        if zip64 {
            let recordOffset = directoryOffset + directorySize
            // 4.3.14: the ZIP64 end of central directory record; its size field excludes
            // the first 12 bytes.
            tail.writeInteger(ZIPFormat.zip64EndOfCentralDirectorySignature, endianness: .little)
            tail.writeInteger(UInt64(ZIPFormat.zip64EndOfCentralDirectorySize - 12), endianness: .little)
            tail.writeInteger(ZIPFormat.madeByUNIX | ZIPFormat.versionZIP64, endianness: .little)
            tail.writeInteger(ZIPFormat.versionZIP64, endianness: .little)
            tail.writeInteger(UInt32(0), endianness: .little)  // this disk
            tail.writeInteger(UInt32(0), endianness: .little)  // disk of the central directory
            tail.writeInteger(entryCount, endianness: .little)
            tail.writeInteger(entryCount, endianness: .little)
            tail.writeInteger(directorySize, endianness: .little)
            tail.writeInteger(directoryOffset, endianness: .little)
            // 4.3.15: the locator pointing at it.
            tail.writeInteger(ZIPFormat.zip64LocatorSignature, endianness: .little)
            tail.writeInteger(UInt32(0), endianness: .little)
            tail.writeInteger(recordOffset, endianness: .little)
            tail.writeInteger(UInt32(1), endianness: .little)  // total disks
        }
        // 4.3.16: the end of central directory record, with overflow markers under ZIP64.
        tail.writeInteger(ZIPFormat.endOfCentralDirectorySignature, endianness: .little)
        tail.writeInteger(UInt16(0), endianness: .little)
        tail.writeInteger(UInt16(0), endianness: .little)
        let count16 = UInt16(min(entryCount, ZIPFormat.overflow16))
        tail.writeInteger(count16, endianness: .little)
        tail.writeInteger(count16, endianness: .little)
        tail.writeInteger(UInt32(min(directorySize, ZIPFormat.overflow32)), endianness: .little)
        tail.writeInteger(UInt32(min(directoryOffset, ZIPFormat.overflow32)), endianness: .little)
        tail.writeInteger(UInt16(0), endianness: .little)  // comment length
        offset += UInt64(tail.readableBytes)
        return tail
    }

    /// 4.3.12: one central directory header, with a ZIP64 extra field holding, in this
    /// order, whichever of size, compressed size and offset do not fit 32 bits.
    private mutating func appendCentralRecord(_ entry: OpenEntry) {
        var extra = ByteBuffer()
        let sizeOverflows = entry.size >= ZIPFormat.overflow32
        let offsetOverflows = entry.localHeaderOffset >= ZIPFormat.overflow32
        if sizeOverflows || offsetOverflows {
            extra.writeInteger(ZIPFormat.zip64ExtraID, endianness: .little)
            extra.writeInteger(UInt16((sizeOverflows ? 16 : 0) + (offsetOverflows ? 8 : 0)), endianness: .little)
            if sizeOverflows {
                extra.writeInteger(entry.size, endianness: .little)
                extra.writeInteger(entry.size, endianness: .little)
            }
            if offsetOverflows { extra.writeInteger(entry.localHeaderOffset, endianness: .little) }
        }
        let version = entry.zip64 || extra.readableBytes > 0 ? ZIPFormat.versionZIP64 : ZIPFormat.versionDefault
        let record = ZIPFormat.self
        centralDirectory.writeInteger(record.centralHeaderSignature, endianness: .little)
        centralDirectory.writeInteger(record.madeByUNIX | version, endianness: .little)
        centralDirectory.writeInteger(version, endianness: .little)
        centralDirectory.writeInteger(record.flagDataDescriptor | record.flagUTF8Names, endianness: .little)
        centralDirectory.writeInteger(record.methodStored, endianness: .little)
        centralDirectory.writeInteger(timestamp.time, endianness: .little)
        centralDirectory.writeInteger(timestamp.date, endianness: .little)
        centralDirectory.writeInteger(entry.crc.value, endianness: .little)
        let size32 = UInt32(min(entry.size, record.overflow32))
        centralDirectory.writeInteger(size32, endianness: .little)
        centralDirectory.writeInteger(size32, endianness: .little)
        centralDirectory.writeInteger(UInt16(entry.name.count), endianness: .little)
        centralDirectory.writeInteger(UInt16(extra.readableBytes), endianness: .little)
        centralDirectory.writeInteger(UInt16(0), endianness: .little)  // comment length
        centralDirectory.writeInteger(UInt16(0), endianness: .little)  // disk number
        centralDirectory.writeInteger(UInt16(0), endianness: .little)  // internal attributes
        // A regular file, rw-r--r--, in the UNIX mode bits of the upper half (4.4.15).
        centralDirectory.writeInteger(UInt32(0o100644) << 16, endianness: .little)
        centralDirectory.writeInteger(UInt32(min(entry.localHeaderOffset, record.overflow32)), endianness: .little)
        centralDirectory.writeBytes(entry.name)
        centralDirectory.writeImmutableBuffer(extra)
    }
}

/// A ZIP archive that cannot be written as asked.
enum ZIPWriteError: Error, CustomStringConvertible, Equatable {
    case badName(String)
    case entryTooLarge(name: String, size: UInt64)
    case misuse(String)

    var description: String {
        switch self {
        case .badName(let name): "'\(name)' cannot name a ZIP entry (empty or longer than 65,535 bytes)"
        case .entryTooLarge(let name, let size):
            "\(name) is \(size) bytes, more than its header announced (under 4 GiB)"
        case .misuse(let what): "ZIP writer misused: \(what)"
        }
    }
}
