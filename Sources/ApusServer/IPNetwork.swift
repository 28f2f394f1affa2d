#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address block (`10.1.0.0/16`, `fd00::/8`; a plain address is a block of
/// one). IPv4-mapped IPv6 addresses (`::ffff:10.1.2.3`, what a dual-stack socket reports)
/// are compared as the IPv4 address they carry.
struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    let bytes: [UInt8]
    let prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.address(String(parts[0])) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        bytes = address
    }

    var description: String {
        let text =
            bytes.count == 4
            ? bytes.map(String.init).joined(separator: ".")
            : stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        return prefixLength == bytes.count * 8 ? text : "\(text)/\(prefixLength)"
    }

    func contains(_ address: String) -> Bool {
        guard let candidate = Self.address(address), candidate.count == bytes.count else { return false }
        var remaining = prefixLength
        for (ours, theirs) in zip(bytes, candidate) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if ours & mask != theirs & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6; nil for anything else.
    static func address(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }

    /// An address, a block, or something that may be a DNS name (letters, digits, '-', '.').
    static func isHostOrNetwork(_ text: String) -> Bool {
        if IPNetwork(text) != nil { return true }
        return !text.isEmpty && text.count <= 253
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }
}
