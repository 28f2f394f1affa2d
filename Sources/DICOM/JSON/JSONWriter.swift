import NIOCore

/// Writes JSON text (RFC 8259) straight into a byte buffer, with optional indentation.
///
/// The caller brackets containers with `beginObject`/`endObject` and `beginArray`/`endArray`
/// and puts a `key` before each object member; commas and line breaks are placed here.
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    private let prettyPrinted: Bool
    private var depth = 0
    /// Nothing has been written yet in the innermost container.
    private var isFirst = true
    /// A key was just written, so the next value needs no separator.
    private var afterKey = false

    init(capacity: Int = 4096, prettyPrinted: Bool) {
        self.buffer = ByteBufferAllocator().buffer(capacity: capacity)
        self.prettyPrinted = prettyPrinted
    }

    // MARK: Structure

    mutating func beginObject() {
        beginValue()
        buffer.writeInteger(UInt8(ascii: "{"))
        depth += 1
        isFirst = true
    }

    mutating func endObject() { end(UInt8(ascii: "}")) }

    mutating func beginArray() {
        beginValue()
        buffer.writeInteger(UInt8(ascii: "["))
        depth += 1
        isFirst = true
    }

    mutating func endArray() { end(UInt8(ascii: "]")) }

    /// A member name: `"name":`.
    mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeInteger(UInt8(ascii: "\""))
        colon()
    }

    /// A data element tag as member name: `"GGGGEEEE":` (PS3.18 F.2.2).
    mutating func key(_ tag: Tag) {
        separate()
        writeQuotedHex(tag)
        colon()
    }

    private mutating func colon() {
        buffer.writeInteger(UInt8(ascii: ":"))
        if prettyPrinted { buffer.writeInteger(UInt8(ascii: " ")) }
        afterKey = true
    }

    private mutating func end(_ bracket: UInt8) {
        depth -= 1
        if !isFirst { newline() }
        buffer.writeInteger(bracket)
        isFirst = false
    }

    private mutating func beginValue() {
        if afterKey {
            afterKey = false
        } else {
            separate()
        }
    }

    private mutating func separate() {
        if !isFirst { buffer.writeInteger(UInt8(ascii: ",")) }
        isFirst = false
        if depth > 0 { newline() }
    }

    private mutating func newline() {
        guard prettyPrinted else { return }
        buffer.writeInteger(UInt8(ascii: "\n"))
        buffer.writeRepeatingByte(UInt8(ascii: " "), count: depth * 2)
    }

    // MARK: Values

    mutating func null() {
        beginValue()
        buffer.writeStaticString("null")
    }

    mutating func string(_ value: String) {
        beginValue()
        writeQuoted(value)
    }

    /// A tag as a value: `"GGGGEEEE"`, the form of AT values (PS3.18 F.2.3).
    mutating func tagString(_ tag: Tag) {
        beginValue()
        writeQuotedHex(tag)
    }

    /// Bytes that are known to be the text of a valid JSON number.
    mutating func number(text: [UInt8]) {
        beginValue()
        buffer.writeBytes(text)
    }

    mutating func number(_ value: Int64) {
        beginValue()
        writeDecimal(value.magnitude, negative: value < 0)
    }

    mutating func number(_ value: UInt64) {
        beginValue()
        writeDecimal(value, negative: false)
    }

    /// Finite doubles as their shortest round-trip text, which is valid JSON as Swift prints
    /// it (`1.0`, `1e-05`, `-0.0`); the caller handles NaN and infinities.
    mutating func number(_ value: Double) {
        beginValue()
        buffer.writeString(value.description)
    }

    mutating func number(_ value: Float) {
        beginValue()
        buffer.writeString(value.description)
    }

    /// Base64 of the bytes, in quotes.
    mutating func base64(_ bytes: ByteBuffer) {
        beginValue()
        buffer.writeInteger(UInt8(ascii: "\""))
        Base64.encode(bytes, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    // MARK: Encoding

    private mutating func writeDecimal(_ magnitude: UInt64, negative: Bool) {
        if negative { buffer.writeInteger(UInt8(ascii: "-")) }
        var count = 1
        var scan = magnitude
        while scan >= 10 {
            scan /= 10
            count += 1
        }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { storage in
            var rest = magnitude
            for position in stride(from: count - 1, through: 0, by: -1) {
                storage[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return count
        }
    }

    private mutating func writeQuotedHex(_ tag: Tag) {
        let hex: StaticString = "0123456789ABCDEF"
        let raw = tag.rawValue
        buffer.writeInteger(UInt8(ascii: "\""))
        hex.withUTF8Buffer { digits in
            for shift in stride(from: 28, through: 0, by: -4) {
                buffer.writeInteger(digits[Int(raw >> UInt32(shift) & 0xF)])
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`-style or `\u00XX`
    /// escapes, everything else as its UTF-8 bytes. Runs of plain bytes are copied at once.
    private mutating func writeQuoted(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                runStart = index + 1
                writeEscape(byte)
            }
            if runStart < bytes.count { buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private mutating func writeEscape(_ byte: UInt8) {
        buffer.writeInteger(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.writeInteger(byte)
        case 0x08: buffer.writeInteger(UInt8(ascii: "b"))
        case 0x0C: buffer.writeInteger(UInt8(ascii: "f"))
        case 0x0A: buffer.writeInteger(UInt8(ascii: "n"))
        case 0x0D: buffer.writeInteger(UInt8(ascii: "r"))
        case 0x09: buffer.writeInteger(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            buffer.writeStaticString("u00")
            hex.withUTF8Buffer { digits in
                buffer.writeInteger(digits[Int(byte >> 4)])
                buffer.writeInteger(digits[Int(byte & 0xF)])
            }
        }
    }
}
