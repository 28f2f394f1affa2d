import NIOCore

/// The end of central directory record (APPNOTE 4.3.16), and its ZIP64 form (4.3.14,
/// through the locator of 4.3.15) when the archive has one: where the central directory is
/// and how many entries it holds.
struct EndRecord: Sendable, Hashable {
    var entryCount: UInt64
    var directorySize: UInt64
    var directoryOffset: UInt64
    /// Where the central directory must end: the first end record.
    var directoryLimit: UInt64

    /// The record is in the last 22 bytes plus a comment of at most 65,535 bytes; the last
    /// signature whose comment length reaches exactly to the end of the file is it.
    static func locate(in source: any ZIPSource) async throws -> EndRecord {
        let fixed = UInt64(ZIPFormat.endOfCentralDirectorySize)
        guard source.size >= fixed else { throw ZIPReadError.notZIP }
        let tailSize = min(source.size, fixed + 0xFFFF)
        let tailStart = source.size - tailSize
        let tail = try await source.read(at: tailStart, count: Int(tailSize))
        guard let position = findRecord(in: tail) else { throw ZIPReadError.notZIP }
        guard
            var record = tail.getSlice(
                at: tail.readerIndex + position + 4, length: ZIPFormat.endOfCentralDirectorySize - 4),
            let disk = record.readInteger(endianness: .little, as: UInt16.self),
            let directoryDisk = record.readInteger(endianness: .little, as: UInt16.self),
            let diskEntries = record.readInteger(endianness: .little, as: UInt16.self),
            let entries = record.readInteger(endianness: .little, as: UInt16.self),
            let size = record.readInteger(endianness: .little, as: UInt32.self),
            let offset = record.readInteger(endianness: .little, as: UInt32.self)
        else { throw ZIPReadError.notZIP }
        let recordOffset = tailStart + UInt64(position)
        var end = EndRecord(
            entryCount: UInt64(entries), directorySize: UInt64(size), directoryOffset: UInt64(offset),
            directoryLimit: recordOffset)
        // The ZIP64 locator sits right before the record when there is one.
        if recordOffset >= UInt64(ZIPFormat.zip64LocatorSize) {
            let locatorOffset = recordOffset - UInt64(ZIPFormat.zip64LocatorSize)
            var locator = try await source.read(at: locatorOffset, count: ZIPFormat.zip64LocatorSize)
            if locator.readInteger(endianness: .little, as: UInt32.self) == ZIPFormat.zip64LocatorSignature {
                end = try await readZIP64(locator: &locator, locatorOffset: locatorOffset, in: source)
                return end
            }
        }
        let overflowed =
            UInt64(entries) == ZIPFormat.overflow16 || UInt64(size) == ZIPFormat.overflow32
            || UInt64(offset) == ZIPFormat.overflow32
        if overflowed { throw ZIPReadError.inconsistent("ZIP64 sizes announced, but no ZIP64 end record") }
        guard disk == 0, directoryDisk == 0, diskEntries == entries else { throw ZIPReadError.multipleDisks }
        return end
    }

    private static func findRecord(in tail: ByteBuffer) -> Int? {
        let fixed = ZIPFormat.endOfCentralDirectorySize
        var position = tail.readableBytes - fixed
        while position >= 0 {
            let at = tail.readerIndex + position
            if tail.getInteger(at: at, endianness: .little, as: UInt32.self)
                == ZIPFormat.endOfCentralDirectorySignature,
                let comment = tail.getInteger(at: at + 20, endianness: .little, as: UInt16.self),
                position + fixed + Int(comment) == tail.readableBytes
            {
                return position
            }
            position -= 1
        }
        return nil
    }

    private static func readZIP64(
        locator: inout ByteBuffer, locatorOffset: UInt64, in source: any ZIPSource
    ) async throws -> EndRecord {
        guard let recordDisk = locator.readInteger(endianness: .little, as: UInt32.self),
            let recordOffset = locator.readInteger(endianness: .little, as: UInt64.self),
            let disks = locator.readInteger(endianness: .little, as: UInt32.self)
        else { throw ZIPReadError.notZIP }
        guard recordDisk == 0, disks <= 1 else { throw ZIPReadError.multipleDisks }
        let size = UInt64(ZIPFormat.zip64EndOfCentralDirectorySize)
        guard recordOffset <= locatorOffset, size <= locatorOffset - recordOffset else {
            throw ZIPReadError.outOfBounds(what: "the ZIP64 end of central directory record", offset: recordOffset)
        }
        var record = try await source.read(at: recordOffset, count: ZIPFormat.zip64EndOfCentralDirectorySize)
        guard record.readInteger(endianness: .little, as: UInt32.self) == ZIPFormat.zip64EndOfCentralDirectorySignature
        else { throw ZIPReadError.badSignature(what: "ZIP64 end of central directory record", offset: recordOffset) }
        guard record.readSlice(length: 8 + 2 + 2) != nil,  // record size, made by, needed
            let disk = record.readInteger(endianness: .little, as: UInt32.self),
            let directoryDisk = record.readInteger(endianness: .little, as: UInt32.self),
            let diskEntries = record.readInteger(endianness: .little, as: UInt64.self),
            let entries = record.readInteger(endianness: .little, as: UInt64.self),
            let directorySize = record.readInteger(endianness: .little, as: UInt64.self),
            let directoryOffset = record.readInteger(endianness: .little, as: UInt64.self)
        else { throw ZIPReadError.notZIP }
        guard disk == 0, directoryDisk == 0, diskEntries == entries else { throw ZIPReadError.multipleDisks }
        return EndRecord(
            entryCount: entries, directorySize: directorySize, directoryOffset: directoryOffset,
            directoryLimit: recordOffset)
    }
}

/// A central directory header (4.3.12) and its ZIP64 extra field (4.5.3).
enum CentralHeader {
    /// Reads one header from `directory`; `offset` (the header's place in the archive) is for
    /// error messages.
    static func read(_ directory: inout ByteBuffer, at offset: UInt64) throws(ZIPReadError) -> ZIPEntry {
        guard directory.readInteger(endianness: .little, as: UInt32.self) == ZIPFormat.centralHeaderSignature else {
            throw .badSignature(what: "central directory header", offset: offset)
        }
        guard directory.readableBytes >= ZIPFormat.centralHeaderSize - 4,
            directory.readInteger(endianness: .little, as: UInt32.self) != nil,  // made by, needed
            let flags = directory.readInteger(endianness: .little, as: UInt16.self),
            let method = directory.readInteger(endianness: .little, as: UInt16.self),
            directory.readInteger(endianness: .little, as: UInt32.self) != nil,  // time, date
            let crc = directory.readInteger(endianness: .little, as: UInt32.self),
            let compressed32 = directory.readInteger(endianness: .little, as: UInt32.self),
            let uncompressed32 = directory.readInteger(endianness: .little, as: UInt32.self),
            let nameLength = directory.readInteger(endianness: .little, as: UInt16.self),
            let extraLength = directory.readInteger(endianness: .little, as: UInt16.self),
            let commentLength = directory.readInteger(endianness: .little, as: UInt16.self),
            let disk = directory.readInteger(endianness: .little, as: UInt16.self),
            directory.readInteger(endianness: .little, as: UInt16.self) != nil,  // internal attributes
            directory.readInteger(endianness: .little, as: UInt32.self) != nil,  // external attributes
            let localOffset32 = directory.readInteger(endianness: .little, as: UInt32.self),
            let nameBytes = directory.readBytes(length: Int(nameLength)),
            var extra = directory.readSlice(length: Int(extraLength)),
            directory.readSlice(length: Int(commentLength)) != nil
        else { throw .outOfBounds(what: "a central directory header", offset: offset) }
        let name = String(decoding: nameBytes, as: UTF8.self)
        var entry = ZIPEntry(
            name: name, flags: flags, method: method, crc: crc, compressedSize: UInt64(compressed32),
            uncompressedSize: UInt64(uncompressed32), localHeaderOffset: UInt64(localOffset32))
        let needs = (
            uncompressed: UInt64(uncompressed32) == ZIPFormat.overflow32,
            compressed: UInt64(compressed32) == ZIPFormat.overflow32,
            offset: UInt64(localOffset32) == ZIPFormat.overflow32, disk: UInt64(disk) == ZIPFormat.overflow16
        )
        if needs.uncompressed || needs.compressed || needs.offset || needs.disk {
            guard var zip64 = field(ZIPFormat.zip64ExtraID, in: &extra) else {
                throw .inconsistent("'\(name)' has 64-bit sizes announced but no ZIP64 extra field")
            }
            // Only the fields whose 32-bit value overflowed are present, in this order.
            if needs.uncompressed {
                guard let value = zip64.readInteger(endianness: .little, as: UInt64.self) else {
                    throw .inconsistent("the ZIP64 extra field of '\(name)' is too short")
                }
                entry.uncompressedSize = value
            }
            if needs.compressed {
                guard let value = zip64.readInteger(endianness: .little, as: UInt64.self) else {
                    throw .inconsistent("the ZIP64 extra field of '\(name)' is too short")
                }
                entry.compressedSize = value
            }
            if needs.offset {
                guard let value = zip64.readInteger(endianness: .little, as: UInt64.self) else {
                    throw .inconsistent("the ZIP64 extra field of '\(name)' is too short")
                }
                entry.localHeaderOffset = value
            }
            if needs.disk {
                guard zip64.readInteger(endianness: .little, as: UInt32.self) == 0 else { throw .multipleDisks }
            }
        } else if disk != 0 {
            throw .multipleDisks
        }
        return entry
    }

    /// The data of the extra field with `id`, nil when absent or cut short.
    private static func field(_ id: UInt16, in extra: inout ByteBuffer) -> ByteBuffer? {
        while let fieldID = extra.readInteger(endianness: .little, as: UInt16.self),
            let size = extra.readInteger(endianness: .little, as: UInt16.self),
            let data = extra.readSlice(length: Int(size))
        {
            if fieldID == id { return data }
        }
        return nil
    }
}
