import DICOM
import NIOCore

/// Reads a ZIP archive from a source with random access (an upload spooled to a file): the
/// end records, the central directory and every local header are read and checked before
/// any entry is inflated, so that a hostile archive is refused as a whole with a reason
/// (`ZIPReadError`) and never inflates past `ZIPLimits`. Then entries are read one at a time
/// (`content(of:)`), each whole in memory, as an instance is stored whole.
///
/// Offsets are taken as written: an archive with bytes prepended (a self-extractor) is
/// refused rather than guessed at.
struct ZIPReader: Sendable {
    let source: any ZIPSource
    /// In central directory order, folders included.
    let entries: [ZIPEntry]

    /// Reads and checks the archive's directory. Throws `ZIPReadError`, or what the source
    /// throws.
    static func open(_ source: any ZIPSource, limits: ZIPLimits = ZIPLimits()) async throws -> ZIPReader {
        let end = try await EndRecord.locate(in: source)
        guard end.entryCount <= UInt64(limits.maximumEntries) else {
            throw ZIPReadError.tooManyEntries(count: end.entryCount, limit: limits.maximumEntries)
        }
        guard end.directorySize <= UInt64(limits.maximumCentralDirectorySize) else {
            throw ZIPReadError.tooLarge(
                what: "the central directory", size: end.directorySize, limit: limits.maximumCentralDirectorySize)
        }
        guard end.directoryOffset <= end.directoryLimit, end.directorySize <= end.directoryLimit - end.directoryOffset
        else { throw ZIPReadError.outOfBounds(what: "the central directory", offset: end.directoryOffset) }
        guard end.entryCount <= end.directorySize / UInt64(ZIPFormat.centralHeaderSize) else {
            throw ZIPReadError.inconsistent(
                "\(end.entryCount) entries cannot fit a central directory of \(end.directorySize) bytes")
        }
        var directory = try await source.read(at: end.directoryOffset, count: Int(end.directorySize))
        var entries: [ZIPEntry] = []
        entries.reserveCapacity(Int(end.entryCount))
        for _ in 0..<end.entryCount {
            let offset = end.directoryOffset + UInt64(directory.readerIndex)
            entries.append(try CentralHeader.read(&directory, at: offset))
        }
        try checkSizes(entries, limits: limits)
        for index in entries.indices {
            let entry = entries[index]
            let start = try await dataOffset(of: entry, in: source)
            // Every entry's header and bytes lie before the central directory.
            guard start <= end.directoryOffset, entry.compressedSize <= end.directoryOffset - start else {
                throw ZIPReadError.outOfBounds(what: "the data of '\(entry.name)'", offset: start)
            }
            entries[index].dataOffset = start
        }
        try checkOverlaps(entries)
        return ZIPReader(source: source, entries: entries)
    }

    /// The entry's bytes, inflated and checked against its CRC-32 and size. Throws
    /// `ZIPEntryError`, or what the source throws.
    func content(of entry: ZIPEntry) async throws -> ByteBuffer {
        if entry.isEncrypted { throw ZIPEntryError.encrypted }
        let bytes: ByteBuffer
        switch entry.method {
        case ZIPFormat.methodStored:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw ZIPEntryError.sizeMismatch(declared: entry.uncompressedSize, actual: entry.compressedSize)
            }
            bytes = try await source.read(at: entry.dataOffset, count: Int(entry.compressedSize))
        case ZIPFormat.methodDeflated:
            // Deflate never grows data by more than a few bytes per 16 KiB block; more is a lie
            // that would have us read a large entry to inflate a small one.
            guard entry.compressedSize <= entry.uncompressedSize + entry.uncompressedSize / 100 + 1024 else {
                throw ZIPEntryError.sizeMismatch(declared: entry.uncompressedSize, actual: entry.compressedSize)
            }
            let compressed = try await source.read(at: entry.dataOffset, count: Int(entry.compressedSize))
            do {
                bytes = try Deflate.inflate(compressed, maximumSize: Int(entry.uncompressedSize))
            } catch {
                guard case .inflate(let reason) = error else { throw ZIPEntryError.inflate(error.description) }
                throw ZIPEntryError.inflate(reason)
            }
        default:
            throw ZIPEntryError.unsupportedMethod(entry.method)
        }
        guard UInt64(bytes.readableBytes) == entry.uncompressedSize else {
            throw ZIPEntryError.sizeMismatch(declared: entry.uncompressedSize, actual: UInt64(bytes.readableBytes))
        }
        let crc = CRC32.of(bytes)
        guard crc == entry.crc else { throw ZIPEntryError.checksumMismatch(expected: entry.crc, actual: crc) }
        return bytes
    }

    /// No entry past the entry limit, and all together under the total: both from the sizes
    /// the directory declares, which inflating never passes.
    private static func checkSizes(_ entries: [ZIPEntry], limits: ZIPLimits) throws(ZIPReadError) {
        var total: UInt64 = 0
        for entry in entries {
            guard entry.uncompressedSize <= UInt64(limits.maximumEntrySize) else {
                throw .tooLarge(what: "'\(entry.name)'", size: entry.uncompressedSize, limit: limits.maximumEntrySize)
            }
            total += entry.uncompressedSize
            guard total <= UInt64(limits.maximumTotalSize) else {
                throw .tooLarge(what: "the archive's entries together", size: total, limit: limits.maximumTotalSize)
            }
        }
    }

    /// Reads an entry's local header (4.3.7): where its bytes start.
    private static func dataOffset(of entry: ZIPEntry, in source: any ZIPSource) async throws -> UInt64 {
        let size = UInt64(ZIPFormat.localHeaderSize)
        guard entry.localHeaderOffset <= source.size, size <= source.size - entry.localHeaderOffset else {
            throw ZIPReadError.outOfBounds(what: "the local header of '\(entry.name)'", offset: entry.localHeaderOffset)
        }
        let header = try await source.read(at: entry.localHeaderOffset, count: ZIPFormat.localHeaderSize)
        guard
            header.getInteger(at: header.readerIndex, endianness: .little, as: UInt32.self)
                == ZIPFormat.localHeaderSignature
        else {
            throw ZIPReadError.badSignature(
                what: "local header of '\(entry.name)'", offset: entry.localHeaderOffset)
        }
        guard let nameLength = header.getInteger(at: header.readerIndex + 26, endianness: .little, as: UInt16.self),
            let extraLength = header.getInteger(at: header.readerIndex + 28, endianness: .little, as: UInt16.self)
        else {
            throw ZIPReadError.outOfBounds(what: "the local header of '\(entry.name)'", offset: entry.localHeaderOffset)
        }
        return entry.localHeaderOffset + size + UInt64(nameLength) + UInt64(extraLength)
    }

    /// Entries in file order must not share bytes: headers and data of each lie before the
    /// next one's header.
    private static func checkOverlaps(_ entries: [ZIPEntry]) throws(ZIPReadError) {
        let ordered = entries.enumerated().sorted {
            ($0.element.localHeaderOffset, $0.offset) < ($1.element.localHeaderOffset, $1.offset)
        }.map(\.element)
        for (previous, next) in zip(ordered, ordered.dropFirst()) where previous.dataEnd > next.localHeaderOffset {
            throw .overlappingEntries(previous.name, next.name)
        }
    }
}
