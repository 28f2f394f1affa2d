import DICOM
import Foundation

/// What a Part 10 file says of itself in its file meta information (PS3.10 §7.1): its SOP
/// class, instance and transfer syntax, read from the first bytes of the file only, so that
/// `apus store` plans its presentation contexts without reading the data sets twice.
struct Part10Header: Sendable, Equatable {
    var sopClass: UID
    var sopInstance: UID?
    var transferSyntax: UID

    /// Why a file is not a Part 10 file that can be sent.
    struct Refusal: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// The first read; meta information longer than this (rare) is read in more such steps.
    static let chunk = 8_192
    /// Meta information longer than this is not believed.
    static let limit = 1 << 20
    static let magic = Array("DICM".utf8)

    static func read(path: String) throws -> Part10Header {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Refusal(description: "cannot be opened") }
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        while true {
            let more = try handle.read(upToCount: chunk) ?? Data()
            bytes.append(contentsOf: more)
            let complete = more.count < chunk
            switch parse(bytes, complete: complete) {
            case .header(let header): return header
            case .refused(let why): throw Refusal(description: why)
            case .needsMore:
                guard !complete, bytes.count < limit else {
                    throw Refusal(description: "file meta information longer than \(limit) bytes")
                }
            }
        }
    }

    enum Parse: Equatable {
        case header(Part10Header)
        case refused(String)
        /// `bytes` end inside the meta information, and the file goes on.
        case needsMore
    }

    /// Reads the group 0002 elements (always explicit VR little endian) after `DICM`, which
    /// follows a 128-byte preamble or, in some files, starts them.
    static func parse(_ bytes: [UInt8], complete: Bool) -> Parse {
        var offset: Int
        if bytes.count >= 132, Array(bytes[128..<132]) == magic {
            offset = 132
        } else if bytes.count >= 4, Array(bytes[0..<4]) == magic {
            offset = 4
        } else {
            return complete || bytes.count >= 132 ? .refused("not a DICOM Part 10 file (no DICM prefix)") : .needsMore
        }
        var values: [UInt16: String] = [:]
        while offset + 8 <= bytes.count, integer(bytes, offset, 2) == 0x0002 {
            let element = UInt16(integer(bytes, offset + 2, 2))
            guard let vr = VR(byte0: bytes[offset + 4], byte1: bytes[offset + 5]) else {
                return .refused("file meta information without explicit VR")
            }
            let header = vr.hasLongExplicitLength ? 12 : 8
            guard offset + header <= bytes.count else { return complete ? .refused("truncated") : .needsMore }
            let length = vr.hasLongExplicitLength ? integer(bytes, offset + 8, 4) : integer(bytes, offset + 6, 2)
            guard length != 0xFFFF_FFFF else { return .refused("file meta information of undefined length") }
            let end = offset + header + length
            guard end <= bytes.count else { return complete ? .refused("truncated") : .needsMore }
            if [0x0002, 0x0003, 0x0010].contains(element) {
                values[element] = String(decoding: bytes[(offset + header)..<end], as: UTF8.self)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\0 "))
            }
            offset = end
        }
        if offset + 8 > bytes.count, !complete { return .needsMore }
        guard let sopClass = values[0x0002].flatMap(UID.init) else {
            return .refused("no Media Storage SOP Class UID in the file meta information")
        }
        guard let transferSyntax = values[0x0010].flatMap(UID.init) else {
            return .refused("no Transfer Syntax UID in the file meta information")
        }
        return .header(
            Part10Header(
                sopClass: sopClass, sopInstance: values[0x0003].flatMap(UID.init), transferSyntax: transferSyntax))
    }

    /// A little endian unsigned integer of `width` bytes; the caller checked the bounds.
    private static func integer(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> Int {
        (0..<width).reduce(0) { value, index in value | Int(bytes[offset + index]) << (8 * index) }
    }
}
