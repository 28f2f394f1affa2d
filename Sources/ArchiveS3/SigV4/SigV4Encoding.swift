import Crypto
import NIOCore

/// The text forms AWS Signature Version 4 is computed over.
enum SigV4Encoding {
    /// SHA-256 of the empty payload, the hash of every bodiless request.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// RFC 3986 percent-encoding as SigV4 defines it: unreserved characters
    /// (`A-Z a-z 0-9 - . _ ~`) stay, every other byte of the UTF-8 becomes `%XX` in upper
    /// case; `/` stays in paths (`encodeSlash` false) and is encoded in query values.
    static func uriEncode(_ text: String, encodeSlash: Bool = true) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where !encodeSlash:
                result.append("/")
            default:
                result.append("%")
                result.unicodeScalars.append(hexDigit(byte >> 4, upper: true))
                result.unicodeScalars.append(hexDigit(byte & 0x0F, upper: true))
            }
        }
        return result
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var result = ""
        for byte in bytes {
            result.unicodeScalars.append(hexDigit(byte >> 4, upper: false))
            result.unicodeScalars.append(hexDigit(byte & 0x0F, upper: false))
        }
        return result
    }

    static func sha256Hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        hex(SHA256.hash(data: Array(bytes)))
    }

    /// A body hashed where it lies: copying a part of up to the part size into an array first
    /// cost as much as the hashing.
    static func sha256Hex(_ body: ByteBuffer) -> String {
        var hasher = SHA256()
        body.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        return hex(hasher.finalize())
    }

    private static func hexDigit(_ value: UInt8, upper: Bool) -> Unicode.Scalar {
        let base = value < 10 ? UInt8(ascii: "0") : (upper ? UInt8(ascii: "A") : UInt8(ascii: "a")) - 10
        return Unicode.Scalar(base + value)
    }

    /// A header value as it is signed: surrounding spaces removed, runs of spaces inside
    /// collapsed to one.
    static func trimmedHeaderValue(_ value: String) -> String {
        var result = ""
        var pendingSpace = false
        for character in value {
            if character == " " || character == "\t" {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.append(character)
        }
        return result
    }
}
