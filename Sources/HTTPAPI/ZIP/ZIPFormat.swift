#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The numbers of the ZIP format (PKWARE's APPNOTE.TXT 6.3.x; section numbers below are its
/// own) that the writer and the reader share. Apus writes and reads the subset ISO/IEC
/// 21320-1 allows (stored or deflated entries, no encryption), which PS3.3 Annex P.1.2.1 names
/// for DICOM files in ZIP.
enum ZIPFormat {
    /// 4.3.7 local file header, 4.3.12 central directory header, 4.3.16 end of central
    /// directory record, 4.3.14 and 4.3.15 their ZIP64 forms, 4.3.9.3 data descriptor.
    static let localHeaderSignature: UInt32 = 0x0403_4b50
    static let centralHeaderSignature: UInt32 = 0x0201_4b50
    static let endOfCentralDirectorySignature: UInt32 = 0x0605_4b50
    static let zip64EndOfCentralDirectorySignature: UInt32 = 0x0606_4b50
    static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    static let dataDescriptorSignature: UInt32 = 0x0807_4b50

    static let localHeaderSize = 30
    static let centralHeaderSize = 46
    static let endOfCentralDirectorySize = 22
    static let zip64EndOfCentralDirectorySize = 56
    static let zip64LocatorSize = 20

    /// 4.5.3: the extra field that holds the 64-bit sizes and offset.
    static let zip64ExtraID: UInt16 = 0x0001

    /// 4.4.4 general purpose flags.
    static let flagEncrypted: UInt16 = 1 << 0
    static let flagDataDescriptor: UInt16 = 1 << 3
    static let flagUTF8Names: UInt16 = 1 << 11

    /// 4.4.5 compression methods.
    static let methodStored: UInt16 = 0
    static let methodDeflated: UInt16 = 8

    /// 4.4.3: 2.0 for plain entries and folders, 4.5 where ZIP64 fields appear.
    static let versionDefault: UInt16 = 20
    static let versionZIP64: UInt16 = 45
    /// 4.4.2: the upper byte says whose attributes the external attributes are: 3 is UNIX.
    static let madeByUNIX: UInt16 = 3 << 8

    /// A 32-bit field holding this says "see the ZIP64 extra field"; so does 0xFFFF in a
    /// 16-bit count.
    static let overflow32: UInt64 = 0xFFFF_FFFF
    static let overflow16: UInt64 = 0xFFFF
}

/// An MS-DOS date and time (4.4.6): local time in two-second steps from 1980, what every ZIP
/// reader shows; Apus writes UTC.
struct DOSTimestamp: Sendable, Hashable {
    var time: UInt16
    var date: UInt16

    init(time: UInt16, date: UInt16) {
        self.time = time
        self.date = date
    }

    /// From seconds since 1970 (UTC), clamped to the years DOS dates can hold (1980–2107).
    init(secondsSince1970 seconds: Int) {
        var clock = time_t(min(max(seconds, 315_532_800), 4_354_819_198))
        var parts = tm()
        gmtime_r(&clock, &parts)
        let year = min(max(Int(parts.tm_year) + 1900, 1980), 2107)
        time = UInt16(Int(parts.tm_hour) << 11 | Int(parts.tm_min) << 5 | Int(parts.tm_sec) / 2)
        date = UInt16((year - 1980) << 9 | (Int(parts.tm_mon) + 1) << 5 | Int(parts.tm_mday))
    }
}
