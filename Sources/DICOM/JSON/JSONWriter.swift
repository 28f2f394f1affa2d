import NIOCore

/// Writes JSON text (RFC 8259) into a byte buffer, with optional indentation.
///
/// The caller brackets containers with `beginObject`/`endObject` and `beginArray`/`endArray`
/// and puts a `key` before each object member; commas and line breaks are placed here.
struct JSONWriter {
    private var output: OutputBytes
    private let prettyPrinted: Bool
    private var depth = 0
    /// Nothing has been written yet in the innermost container.
    private var isFirst = true
    /// A key was just written, so the next value needs no separator.
    private var afterKey = false

    init(capacity: Int = 4096, prettyPrinted: Bool) {
        self.output = OutputBytes(capacity: capacity)
        self.prettyPrinted = prettyPrinted
    }

    /// The text written, as one buffer.
    mutating func finish() -> ByteBuffer {
        output.finish()
    }

    // MARK: Structure

    mutating func beginObject() {
        beginValue()
        output.append(UInt8(ascii: "{"))
        depth += 1
        isFirst = true
    }

    mutating func endObject() {
        end(UInt8(ascii: "}"))
        output.flushIfLarge()
    }

    mutating func beginArray() {
        beginValue()
        output.append(UInt8(ascii: "["))
        depth += 1
        isFirst = true
    }

    mutating func endArray() { end(UInt8(ascii: "]")) }

    /// A member name: `"name":`.
    mutating func key(_ name: StaticString) {
        separate()
        output.append(UInt8(ascii: "\""))
        output.append(name)
        output.append(UInt8(ascii: "\""))
        colon()
    }

    /// A data element tag as member name: `"GGGGEEEE":` (PS3.18 F.2.2).
    mutating func key(_ tag: Tag) {
        separate()
        writeQuotedHex(tag)
        colon()
    }

    private mutating func colon() {
        output.append(UInt8(ascii: ":"))
        if prettyPrinted { output.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    private mutating func end(_ bracket: UInt8) {
        depth -= 1
        if !isFirst { newline() }
        output.append(bracket)
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
        if !isFirst { output.append(UInt8(ascii: ",")) }
        isFirst = false
        if depth > 0 { newline() }
    }

    private mutating func newline() {
        guard prettyPrinted else { return }
        output.append(UInt8(ascii: "\n"))
        for _ in 0..<(depth * 2) { output.append(UInt8(ascii: " ")) }
    }

    // MARK: Values

    mutating func null() {
        beginValue()
        output.append("null")
    }

    mutating func string(_ value: String) {
        beginValue()
        var value = value
        value.withUTF8 { writeQuoted(UnsafeRawBufferPointer($0)) }
    }

    /// A string given as its UTF-8 bytes.
    mutating func string(utf8 bytes: UnsafeRawBufferPointer) {
        beginValue()
        writeQuoted(bytes)
    }

    /// A tag as a value: `"GGGGEEEE"`, the form of AT values (PS3.18 F.2.3).
    mutating func tagString(_ tag: Tag) {
        beginValue()
        writeQuotedHex(tag)
    }

    /// Bytes that are known to be the text of a valid JSON number.
    mutating func number(text: [UInt8]) {
        beginValue()
        output.append(text)
    }

    mutating func number(text: UnsafeRawBufferPointer) {
        beginValue()
        output.append(text)
    }

    mutating func number(_ value: Int64) {
        beginValue()
        if value < 0 { output.append(UInt8(ascii: "-")) }
        output.appendDecimal(value.magnitude)
    }

    mutating func number(_ value: UInt64) {
        beginValue()
        output.appendDecimal(value)
    }

    /// Finite doubles as their shortest round-trip text, which is valid JSON as Swift prints
    /// it (`1.0`, `1e-05`, `-0.0`); the caller handles NaN and infinities.
    mutating func number(_ value: Double) {
        beginValue()
        output.appendUTF8(value.description)
    }

    mutating func number(_ value: Float) {
        beginValue()
        output.appendUTF8(value.description)
    }

    /// Base64 of the bytes, in quotes.
    mutating func base64(_ bytes: ByteBuffer) {
        beginValue()
        output.append(UInt8(ascii: "\""))
        output.appendBase64(bytes)
        output.append(UInt8(ascii: "\""))
    }

    // MARK: Encoding

    private mutating func writeQuotedHex(_ tag: Tag) {
        output.append(UInt8(ascii: "\""))
        output.appendHex(tag)
        output.append(UInt8(ascii: "\""))
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`-style or `\u00XX`
    /// escapes, everything else as its UTF-8 bytes. Runs of plain bytes are copied at once.
    private mutating func writeQuoted(_ bytes: UnsafeRawBufferPointer) {
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { output.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index])) }
            runStart = index + 1
            writeEscape(byte)
        }
        if runStart < bytes.count { output.append(UnsafeRawBufferPointer(rebasing: bytes[runStart...])) }
        output.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscape(_ byte: UInt8) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        default:
            output.append("u00")
            let high = byte >> 4
            let low = byte & 0xF
            output.append(UInt8(ascii: "0") + high)
            output.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
        }
    }
}
