import NIOCore

/// The header fields of one body part (RFC 2045/2046): Content-Type, Content-Location,
/// Content-ID, … in the order sent. Names compare case-insensitively.
struct MultipartPartHeaders: Sendable, Hashable {
    struct Field: Sendable, Hashable {
        var name: String
        var value: String
    }

    var fields: [Field]

    init(_ fields: [Field] = []) {
        self.fields = fields
    }

    /// Parses a header section (without the blank line that ends it). Folded lines (starting
    /// with white space) continue the previous field.
    init(parsing section: ByteBuffer) throws(MultipartError) {
        let text = String(decoding: section.readableBytesView, as: UTF8.self)
        var fields: [Field] = []
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            if let first = line.first, first == " " || first == "\t", let last = fields.indices.last {
                fields[last].value += " " + line.trimming(" \t")
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw .malformedHeader(String(line)) }
            let name = line[..<colon].trimming(" \t")
            guard !name.isEmpty else { throw .malformedHeader(String(line)) }
            fields.append(Field(name: name, value: line[line.index(after: colon)...].trimming(" \t")))
        }
        self.fields = fields
    }

    /// The first field of that name.
    subscript(name: String) -> String? {
        let lowercased = name.lowercased()
        return fields.first { $0.name.lowercased() == lowercased }?.value
    }

    var contentType: ContentTypeHeader? { self["Content-Type"].flatMap(ContentTypeHeader.init) }
}

extension StringProtocol {
    /// Without leading and trailing characters of `set` (here: space and tab).
    fileprivate func trimming(_ set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
