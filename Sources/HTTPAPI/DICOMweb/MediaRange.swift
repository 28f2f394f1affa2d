/// One entry of an Accept header (RFC 9110 §12.5.1): a media range, its parameters and its
/// weight. DICOMweb puts the meaning in the parameters: `multipart/related;
/// type="application/dicom"; transfer-syntax=*` (PS3.18 8.7.3).
struct MediaRange: Sendable, Equatable {
    /// `type/subtype`, lowercased, possibly with `*`.
    var mediaType: String
    /// Parameter names lowercased, values unquoted; `q` is kept apart.
    var parameters: [String: String]
    var quality: Double

    /// The entries of an Accept header, best first (equal weights keep their order); an
    /// entry that does not parse is left out.
    static func parseAccept(_ header: String) -> [MediaRange] {
        let entries = splitOutsideQuotes(header, separator: ",").compactMap(MediaRange.init(parsing:))
        return entries.enumerated().sorted { lhs, rhs in
            lhs.element.quality != rhs.element.quality
                ? lhs.element.quality > rhs.element.quality : lhs.offset < rhs.offset
        }.map(\.element).filter { $0.quality > 0 }
    }

    init(mediaType: String, parameters: [String: String] = [:], quality: Double = 1) {
        self.mediaType = mediaType
        self.parameters = parameters
        self.quality = quality
    }

    init?(parsing text: String) {
        let pieces = MediaRange.splitOutsideQuotes(text, separator: ";")
        guard let first = pieces.first else { return nil }
        let mediaType = first.trimmingSpaces().lowercased()
        guard mediaType.split(separator: "/").count == 2 else { return nil }
        var parameters: [String: String] = [:]
        var quality = 1.0
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingSpaces().lowercased()
            var value = piece[piece.index(after: equals)...].trimmingSpaces()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            if name == "q" {
                quality = Double(value) ?? 1
            } else {
                parameters[name] = value
            }
        }
        self.init(mediaType: mediaType, parameters: parameters, quality: quality)
    }

    /// Whether this range covers `type/subtype` (`*/*`, `type/*` or the type itself).
    func covers(_ type: String) -> Bool {
        if mediaType == "*/*" || mediaType == type { return true }
        guard mediaType.hasSuffix("/*"), let slash = type.firstIndex(of: "/") else { return false }
        return mediaType.dropLast(2) == type[..<slash]
    }

    /// The `type` parameter of a multipart range, lowercased; nil when absent.
    var partType: String? { parameters["type"]?.lowercased() }

    /// The `transfer-syntax` parameter; nil when absent.
    var transferSyntax: String? { parameters["transfer-syntax"] }

    static func splitOutsideQuotes(_ text: String, separator: Character) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character == separator, !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        return pieces.filter { !$0.trimmingSpaces().isEmpty }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
