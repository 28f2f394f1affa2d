// Placeholder until the character set work lands: same API, UTF-8 and Latin-1 only.
public struct SpecificCharacterSet: Sendable, Hashable {
    public static let `default` = SpecificCharacterSet(terms: [])
    public let terms: [String]
    public init(terms: [String]) { self.terms = terms }
    public var unknownTerms: [String] { [] }
    public func decode(_ bytes: some Collection<UInt8>, vr: VR) -> String {
        if terms.contains("ISO_IR 192") { return String(decoding: bytes, as: UTF8.self) }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
    public func encode(_ string: String, vr: VR) -> [UInt8]? {
        if terms.contains("ISO_IR 192") { return Array(string.utf8) }
        var out: [UInt8] = []
        for scalar in string.unicodeScalars {
            guard scalar.value < 256 else { return nil }
            out.append(UInt8(scalar.value))
        }
        return out
    }
}
