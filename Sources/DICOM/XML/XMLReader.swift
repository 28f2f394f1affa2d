import NIOCore

/// A small XML 1.0 reader for untrusted input: elements, attributes, text, CDATA sections,
/// comments and processing instructions. Document type declarations are refused, and with them
/// every entity but the five predefined ones and numeric character references — so there is
/// no entity expansion to abuse and nothing is ever fetched. Nesting is bounded, every index is
/// checked, and input must be UTF-8.
struct XMLReader {
    enum Failure: Error, Equatable {
        case malformed(offset: Int, reason: String)
        case tooDeep(offset: Int, limit: Int)
        case unsupported(offset: Int, feature: String)
    }

    private let bytes: [UInt8]
    private let maximumDepth: Int
    private var index = 0

    init(_ buffer: ByteBuffer, maximumDepth: Int) {
        self.bytes = Array(buffer.readableBytesView)
        self.maximumDepth = maximumDepth
    }

    /// Parses the document and returns its root element.
    mutating func parse() throws(Failure) -> XMLElement {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        if startsWith("<?xml") { try declaration() }
        try skipMisc()
        guard current == UInt8(ascii: "<") else { throw malformed("no root element") }
        let root = try element(depth: 1)
        try skipMisc()
        guard index == bytes.count else { throw malformed("content after the root element") }
        return root
    }

    // MARK: Prolog

    /// `<?xml version="1.0" encoding="UTF-8"?>`: only UTF-8 (and its subset ASCII) is read.
    private mutating func declaration() throws(Failure) {
        let start = index
        guard let end = find("?>") else { throw malformed("unterminated XML declaration") }
        index = end + 2
        let declaration = Array(bytes[start..<end])
        let keyword = Array("encoding".utf8)
        guard let position = (0..<declaration.count).first(where: { declaration[$0...].starts(with: keyword) }) else {
            return
        }
        let rest = declaration[(position + keyword.count)...].drop { " =\"'".utf8.contains($0) }
        let encoding = String(
            decoding: rest.prefix { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") }, as: UTF8.self
        )
        .lowercased()
        guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(encoding) else {
            throw .unsupported(offset: start, feature: "encoding \(encoding)")
        }
    }

    /// Whitespace, comments and processing instructions outside the root element.
    private mutating func skipMisc() throws(Failure) {
        while true {
            skipWhitespace()
            if startsWith("<!--") {
                try comment()
            } else if startsWith("<?") {
                try processingInstruction()
            } else if startsWith("<!") {
                throw .unsupported(offset: index, feature: "document type declaration")
            } else {
                return
            }
        }
    }

    // MARK: Elements

    private mutating func element(depth: Int) throws(Failure) -> XMLElement {
        guard depth <= maximumDepth else { throw .tooDeep(offset: index, limit: maximumDepth) }
        let start = index
        index += 1
        let qualifiedName = try name()
        var element = XMLElement(
            name: Self.localName(qualifiedName), attributes: [], children: [], text: "", offset: start)
        while true {
            let hadSpace = skipWhitespace()
            guard let byte = current else { throw malformed("unterminated start tag") }
            if byte == UInt8(ascii: "/") {
                guard next == UInt8(ascii: ">") else { throw malformed("expected '>' after '/'") }
                index += 2
                return element
            }
            if byte == UInt8(ascii: ">") {
                index += 1
                break
            }
            guard hadSpace else { throw malformed("expected whitespace between attributes") }
            element.attributes.append(try attribute())
        }
        var text: [UInt8] = []
        while true {
            guard let byte = current else { throw malformed("unterminated element <\(qualifiedName)>") }
            if byte != UInt8(ascii: "<") {
                try characterData(into: &text)
            } else if startsWith("</") {
                index += 2
                let closing = try name()
                guard closing == qualifiedName else {
                    throw malformed("</\(closing)> closes <\(qualifiedName)>")
                }
                skipWhitespace()
                guard current == UInt8(ascii: ">") else { throw malformed("expected '>' in end tag") }
                index += 1
                guard let string = String(validating: text, as: UTF8.self) else {
                    throw .malformed(offset: start, reason: "text is not valid UTF-8")
                }
                element.text = string
                return element
            } else if startsWith("<!--") {
                try comment()
            } else if startsWith("<![CDATA[") {
                index += 9
                guard let end = find("]]>") else { throw malformed("unterminated CDATA section") }
                try appendChecked(bytes[index..<end], to: &text)
                index = end + 3
            } else if startsWith("<?") {
                try processingInstruction()
            } else if startsWith("<!") {
                throw .unsupported(offset: index, feature: "markup declaration")
            } else {
                element.children.append(try self.element(depth: depth + 1))
            }
        }
    }

    private mutating func attribute() throws(Failure) -> (name: String, value: String) {
        let attributeName = try name()
        skipWhitespace()
        guard current == UInt8(ascii: "=") else { throw malformed("expected '=' after attribute \(attributeName)") }
        index += 1
        skipWhitespace()
        guard let quote = current, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            throw malformed("attribute value not in quotes")
        }
        index += 1
        var value: [UInt8] = []
        while true {
            guard let byte = current else { throw malformed("unterminated attribute value") }
            switch byte {
            case quote:
                index += 1
                guard let string = String(validating: value, as: UTF8.self) else {
                    throw malformed("attribute value is not valid UTF-8")
                }
                return (attributeName, string)
            case UInt8(ascii: "<"):
                throw malformed("'<' in an attribute value")
            case UInt8(ascii: "&"):
                try reference(into: &value)
            case 0x09, 0x0A:
                // Attribute value normalisation (XML 1.0 §3.3.3).
                value.append(0x20)
                index += 1
            case 0x0D:
                value.append(0x20)
                index += next == 0x0A ? 2 : 1
            case 0..<0x20:
                throw malformed("control character in an attribute value")
            default:
                value.append(byte)
                index += 1
            }
        }
    }

    /// Text up to the next `<`, with references replaced and line ends normalised (§2.11).
    private mutating func characterData(into text: inout [UInt8]) throws(Failure) {
        while let byte = current, byte != UInt8(ascii: "<") {
            switch byte {
            case UInt8(ascii: "&"):
                try reference(into: &text)
            case 0x0D:
                text.append(0x0A)
                index += next == 0x0A ? 2 : 1
            case 0x09, 0x0A:
                text.append(byte)
                index += 1
            case 0..<0x20:
                throw malformed("control character in text")
            default:
                text.append(byte)
                index += 1
            }
        }
    }

    private mutating func appendChecked(_ section: ArraySlice<UInt8>, to text: inout [UInt8]) throws(Failure) {
        for byte in section {
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D {
                throw malformed("control character in a CDATA section")
            }
        }
        text.append(contentsOf: section)
    }

    /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#N;` `&#xH;`; anything else would need a DTD.
    private mutating func reference(into text: inout [UInt8]) throws(Failure) {
        let start = index
        guard let semicolon = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
            throw malformed("unterminated reference")
        }
        let body = bytes[(index + 1)..<semicolon]
        index = semicolon + 1
        switch String(decoding: body, as: UTF8.self) {
        case "lt": text.append(UInt8(ascii: "<"))
        case "gt": text.append(UInt8(ascii: ">"))
        case "amp": text.append(UInt8(ascii: "&"))
        case "quot": text.append(UInt8(ascii: "\""))
        case "apos": text.append(UInt8(ascii: "'"))
        case let reference where reference.hasPrefix("#"):
            let digits = reference.dropFirst()
            let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let value, Self.isXMLCharacter(value), let scalar = Unicode.Scalar(value) else {
                throw .malformed(offset: start, reason: "invalid character reference &\(reference);")
            }
            text.append(contentsOf: Character(scalar).utf8)
        case let name:
            throw .unsupported(offset: start, feature: "entity &\(name);")
        }
    }

    /// Char of XML 1.0 §2.2.
    private static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    private mutating func comment() throws(Failure) {
        guard let end = find("-->", from: index + 4) else { throw malformed("unterminated comment") }
        index = end + 3
    }

    private mutating func processingInstruction() throws(Failure) {
        guard let end = find("?>", from: index + 2) else { throw malformed("unterminated processing instruction") }
        index = end + 2
    }

    /// A name: anything up to whitespace or markup; namespaces are kept in the name.
    private mutating func name() throws(Failure) -> String {
        let start = index
        while let byte = current, !Self.endsName(byte) { index += 1 }
        guard index > start, let name = String(validating: bytes[start..<index], as: UTF8.self) else {
            throw malformed("expected a name")
        }
        return name
    }

    private static func endsName(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "/"), UInt8(ascii: ">"), UInt8(ascii: "="), UInt8(ascii: "<"),
            UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "&"):
            true
        default:
            false
        }
    }

    static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    // MARK: Scanning

    private func malformed(_ reason: String) -> Failure {
        .malformed(offset: index, reason: reason)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }
    private var next: UInt8? { index + 1 < bytes.count ? bytes[index + 1] : nil }

    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = index
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        return index > start
    }

    private func startsWith(_ text: StaticString) -> Bool {
        text.withUTF8Buffer { expected in
            index + expected.count <= bytes.count && bytes[index..<(index + expected.count)].elementsEqual(expected)
        }
    }

    /// Index of the next occurrence of `text` at or after `start`.
    private func find(_ text: StaticString, from start: Int? = nil) -> Int? {
        text.withUTF8Buffer { needle -> Int? in
            guard let first = needle.first else { return nil }
            var position = start ?? index
            while position + needle.count <= bytes.count {
                if bytes[position] == first, bytes[position..<(position + needle.count)].elementsEqual(needle) {
                    return position
                }
                position += 1
            }
            return nil
        }
    }
}
