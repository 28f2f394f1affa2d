/// One file of a ZIP archive, as its central directory header (APPNOTE 4.3.12) and local
/// header describe it, every offset checked to lie inside the archive.
struct ZIPEntry: Sendable, Hashable {
    /// As stored: UTF-8 when flagged (4.4.4 bit 11), else read as UTF-8 anyway (IBM 437
    /// names come out with replacement characters). Only shown to people, never used as a path.
    var name: String
    var flags: UInt16
    var method: UInt16
    var crc: UInt32
    var compressedSize: UInt64
    var uncompressedSize: UInt64
    var localHeaderOffset: UInt64
    /// Where the entry's bytes start, after its local header; set once that is read.
    var dataOffset: UInt64 = 0

    var isDirectory: Bool { name.hasSuffix("/") }
    var isEncrypted: Bool { flags & ZIPFormat.flagEncrypted != 0 }
    var dataEnd: UInt64 { dataOffset + compressedSize }
}

/// The limits an uploaded archive is held to before anything of it is inflated.
struct ZIPLimits: Sendable, Hashable {
    var maximumEntries: Int = 100_000
    /// No entry may inflate past this (the largest instance taken).
    var maximumEntrySize: Int = 1 << 30
    /// Nor all entries together: what makes a zip bomb harmless.
    var maximumTotalSize: Int = 64 << 30
    /// 100,000 entries with long names fit in a few MiB.
    var maximumCentralDirectorySize: Int = 64 << 20
}
