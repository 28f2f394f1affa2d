/// Why a ZIP archive as a whole cannot be read: the upload is answered 400 with this text
/// (413 for `tooLarge`), and nothing of it is stored.
enum ZIPReadError: Error, Equatable, CustomStringConvertible {
    /// No end of central directory record in the last 64 KiB: not a ZIP archive, or cut short.
    case notZIP
    /// A record that does not fit where its offset puts it.
    case outOfBounds(what: String, offset: UInt64)
    case badSignature(what: String, offset: UInt64)
    /// Split ("spanned") archives, which an upload cannot be.
    case multipleDisks
    case inconsistent(String)
    case tooManyEntries(count: UInt64, limit: Int)
    /// Two entries whose bytes overlap: the shape of a zip bomb ("overlapping files").
    case overlappingEntries(String, String)
    /// An entry, or all entries together, would inflate past the limit.
    case tooLarge(what: String, size: UInt64, limit: Int)

    var isTooLarge: Bool {
        if case .tooLarge = self { return true }
        return false
    }

    var description: String {
        switch self {
        case .notZIP:
            "not a ZIP archive: no end of central directory record (the file is something else, or cut short)"
        case .outOfBounds(let what, let offset): "\(what) at offset \(offset) lies outside the archive"
        case .badSignature(let what, let offset): "no \(what) at offset \(offset)"
        case .multipleDisks: "split (multi-disk) ZIP archives are not supported"
        case .inconsistent(let reason): "inconsistent ZIP archive: \(reason)"
        case .tooManyEntries(let count, let limit): "the archive has \(count) entries; at most \(limit) are taken"
        case .overlappingEntries(let first, let second):
            "entries '\(first)' and '\(second)' share bytes (an archive built to inflate far past its size)"
        case .tooLarge(let what, let size, let limit): "\(what) would inflate to \(size) bytes; the limit is \(limit)"
        }
    }
}

/// Why one entry cannot be read; the other entries are still imported.
enum ZIPEntryError: Error, Equatable, CustomStringConvertible {
    case encrypted
    case unsupportedMethod(UInt16)
    case checksumMismatch(expected: UInt32, actual: UInt32)
    case sizeMismatch(declared: UInt64, actual: UInt64)
    case inflate(String)
    case unreadable(String)

    var description: String {
        switch self {
        case .encrypted: "the entry is encrypted"
        case .unsupportedMethod(let method):
            "compression method \(method) is not supported (only stored and deflated entries are)"
        case .checksumMismatch(let expected, let actual):
            "CRC-32 mismatch (expected \(hex(expected)), computed \(hex(actual))): the entry is damaged"
        case .sizeMismatch(let declared, let actual):
            "the entry declares \(declared) bytes but holds \(actual)"
        case .inflate(let reason): "the entry does not inflate: \(reason)"
        case .unreadable(let reason): "the entry cannot be read: \(reason)"
        }
    }

    private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }
}
