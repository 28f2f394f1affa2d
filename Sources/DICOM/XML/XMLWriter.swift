import NIOCore

/// Writes XML 1.0 markup into a byte buffer, escaping text and attribute values.
///
/// XML 1.0 cannot carry most C0 control characters, not even as character references; the
/// few that DICOM text may hold (form feed in LT/ST/UT, ESC left over from undecodable ISO 2022
/// text) are written as U+FFFD. Carriage returns are written as `&#xD;` so that a reader's
/// line-end normalisation keeps them.
struct XMLWriter {
    private var output: OutputBytes

    init(capacity: Int) {
        self.output = OutputBytes(capacity: capacity)
    }

    /// The document written, as one buffer.
    mutating func finish() -> ByteBuffer {
        output.finish()
    }

    mutating func raw(_ text: StaticString) {
        output.append(text)
    }

    /// `<name`: attributes follow, then `close()` or `closeEmpty()`.
    mutating func open(_ name: StaticString) {
        output.append(UInt8(ascii: "<"))
        output.append(name)
    }

    mutating func attribute(_ name: StaticString, _ value: String) {
        output.append(UInt8(ascii: " "))
        output.append(name)
        output.append("=\"")
        escaped(value, inAttribute: true)
        output.append(UInt8(ascii: "\""))
    }

    mutating func attribute(_ name: StaticString, _ value: Int) {
        attribute(name, String(value))
    }

    mutating func close() {
        output.append(UInt8(ascii: ">"))
    }

    mutating func closeEmpty() {
        output.append("/>")
    }

    mutating func end(_ name: StaticString) {
        output.append("</")
        output.append(name)
        output.append(UInt8(ascii: ">"))
        output.flushIfLarge()
    }

    /// `<name>text</name>`.
    mutating func element(_ name: StaticString, text: String) {
        open(name)
        close()
        escaped(text, inAttribute: false)
        end(name)
    }

    mutating func text(_ value: String) {
        escaped(value, inAttribute: false)
    }

    mutating func base64(_ bytes: ByteBuffer) {
        output.appendBase64(bytes)
    }

    private mutating func escaped(_ value: String, inAttribute: Bool) {
        var value = value
        value.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                let replacement: StaticString
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\"") where inAttribute: replacement = "&quot;"
                case 0x0D: replacement = "&#xD;"
                case 0x09 where inAttribute: replacement = "&#x9;"
                case 0x0A where inAttribute: replacement = "&#xA;"
                case 0x09, 0x0A: continue
                case 0..<0x20: replacement = "\u{FFFD}"
                default: continue
                }
                if runStart < index { output.append(UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                runStart = index + 1
                output.append(replacement)
            }
            if runStart < bytes.count { output.append(UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
    }
}
