import DICOM
import Foundation

/// One record of Fixtures/charsets.json (see scripts/charset-fixtures.py).
struct PydicomFixture: Decodable, Sendable {
    let file: String
    let tag: String
    let terms: [String]
    let vrName: String
    let hex: String
    /// pydicom's decoded value: values joined with a backslash, a PN as str(PersonName).
    let pydicom: String
    /// pydicom's encoding of `pydicom` with the same terms, where it could encode it.
    let pydicomEncoded: String?

    enum CodingKeys: String, CodingKey {
        case file, tag, terms, vrName = "vr", hex, pydicom, pydicomEncoded
    }

    var vr: VR { VR(rawValue: vrName) ?? .UN }
    var bytes: [UInt8] { Self.bytes(hex: hex) }
    var characterSet: SpecificCharacterSet { SpecificCharacterSet(terms: terms) }

    static func all() throws -> [PydicomFixture] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/charsets.json")
        struct Document: Decodable { let values: [PydicomFixture] }
        return try JSONDecoder().decode(Document.self, from: Data(contentsOf: url)).values
    }

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap {
            UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
        }
    }

    /// What pydicom makes of a whole decoded value: it drops trailing spaces and NULs
    /// of each value (of the whole value for PN), and empty trailing component groups
    /// of a person name ("A=B=" becomes "A=B").
    static func pydicomView(of text: String, vr: VR) -> String {
        func trimmed(_ text: Substring.UnicodeScalarView) -> String {
            var scalars = text
            while let last = scalars.last, last == " " || last == "\0" { scalars.removeLast() }
            return String(String.UnicodeScalarView(scalars))
        }
        let scalars = Substring(text).unicodeScalars
        if vr.isSingleValuedText { return trimmed(scalars) }
        if vr == .PN {
            let values = Substring(trimmed(scalars)).unicodeScalars.split(
                separator: "\\", omittingEmptySubsequences: false)
            return values.map { value in
                var groups = value.split(separator: "=", omittingEmptySubsequences: false)
                while let last = groups.last, last.isEmpty { groups.removeLast() }
                return groups.map { String(String.UnicodeScalarView($0)) }.joined(separator: "=")
            }.joined(separator: "\\")
        }
        return scalars.split(separator: "\\", omittingEmptySubsequences: false).map(trimmed).joined(separator: "\\")
    }
}
