/// A Content-Type header value split into its media type and parameters (RFC 9110 §8.3.1):
/// `multipart/related; type="application/dicom"; boundary=abc`.
struct ContentTypeHeader: Sendable, Hashable {
    /// `type/subtype`, lowercased.
    var mediaType: String
    /// Parameter names lowercased; values as sent, quotes and escapes removed.
    var parameters: [String: String]

    /// Nil when the value has no `type/subtype`.
    init?(_ value: String) {
        var scanner = Substring(value)
        let essence = Self.token(&scanner).lowercased()
        let parts = essence.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        mediaType = essence
        parameters = [:]
        while let semicolon = scanner.firstIndex(of: ";") {
            scanner = scanner[scanner.index(after: semicolon)...]
            let name = Self.token(&scanner).lowercased()
            guard scanner.first == "=" else { continue }
            scanner.removeFirst()
            let parameterValue = scanner.first == "\"" ? Self.quoted(&scanner) : Self.token(&scanner)
            if !name.isEmpty, parameters[name] == nil { parameters[name] = parameterValue }
        }
    }

    /// The parameter `boundary`, checked against RFC 2046 §5.1.1: 1 to 70 characters, no
    /// control characters, not ending in a space.
    var boundary: Result<String, MultipartError> {
        guard let boundary = parameters["boundary"] else { return .failure(.missingBoundary) }
        guard (1...70).contains(boundary.utf8.count), boundary.last != " ",
            boundary.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
        else { return .failure(.invalidBoundary(String(boundary.prefix(80)))) }
        return .success(boundary)
    }

    /// Skips white space, then reads up to `;`, `=` or the end, trimmed.
    private static func token(_ scanner: inout Substring) -> String {
        while let first = scanner.first, first == " " || first == "\t" { scanner.removeFirst() }
        let end = scanner.firstIndex { $0 == ";" || $0 == "=" } ?? scanner.endIndex
        let text = scanner[..<end]
        scanner = scanner[end...]
        return String(text.trimmingSpaces)
    }

    /// Reads a quoted string from its opening quote; a backslash escapes the next character.
    private static func quoted(_ scanner: inout Substring) -> String {
        scanner.removeFirst()
        var text = ""
        var escaped = false
        while let character = scanner.first {
            scanner.removeFirst()
            if escaped {
                text.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            } else {
                text.append(character)
            }
        }
        return text
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        return text
    }
}
