import Foundation

/// One entry of the `peerAccess` setting: a calling AE title admitted from some addresses and,
/// over TLS, with some client certificate. An AE title may have several entries (any one
/// admits it); an AE title with none is refused once the list is set.
///
/// File: `"peerAccess": [{"aeTitle": "CT1", "hosts": ["10.1.2.0/24", "ct1.example"],
/// "certificateCN": "ct1.example", "certificateSHA256": "ab:12:…"}]`.
/// Environment (`APUS_PEER_ACCESS`): `CT1@10.1.2.0/24#cn=ct1.example,CT1@ct1.example,PACS`.
public struct PeerAccessRule: Sendable, Equatable {
    public var aeTitle: String
    /// IP addresses, CIDR blocks (`10.0.0.0/8`, `fd00::/8`) or host names (resolved at start);
    /// empty: any address.
    public var hosts: [String]
    /// The client certificate's subject common name must be this (exactly).
    public var certificateCommonName: String?
    /// The client certificate's SHA-256 fingerprint (of its DER bytes), lower-case hex, no colons.
    public var certificateSHA256: String?

    public init(
        aeTitle: String, hosts: [String] = [], certificateCommonName: String? = nil, certificateSHA256: String? = nil
    ) {
        self.aeTitle = aeTitle
        self.hosts = hosts
        self.certificateCommonName = certificateCommonName
        self.certificateSHA256 = certificateSHA256.map(Self.normalizedFingerprint)
    }

    /// `AA:BB:…`, `aabb…` and `AABB…` are one fingerprint.
    static func normalizedFingerprint(_ text: String) -> String {
        text.lowercased().filter { $0.isHexDigit }
    }

    /// The environment form: entries separated by commas, `AET[@HOST][#cn=NAME][#sha256=HEX]`.
    static func parseList(_ value: String, source: String) throws(ConfigurationError) -> [PeerAccessRule]? {
        let entries = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        guard !entries.isEmpty else { return nil }
        var rules: [PeerAccessRule] = []
        for entry in entries {
            var parts = entry.split(separator: "#", omittingEmptySubsequences: false).map(String.init)
            let head = parts.removeFirst()
            let (title, host) =
                head.firstIndex(of: "@").map { (String(head[..<$0]), String(head[head.index(after: $0)...])) }
                ?? (head, "")
            guard (1...16).contains(title.utf8.count), title.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x5C })
            else {
                throw ConfigurationError(
                    setting: source, problem: "'\(entry)': an AE title of 1 to 16 characters first")
            }
            var rule = PeerAccessRule(aeTitle: title, hosts: host.isEmpty ? [] : [host])
            for condition in parts {
                let pair = condition.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2, !pair[1].isEmpty else {
                    throw ConfigurationError(
                        setting: source, problem: "'\(entry)': '#\(condition)' is not #cn=… or #sha256=…")
                }
                switch pair[0].lowercased() {
                case "cn": rule.certificateCommonName = pair[1]
                case "sha256":
                    let fingerprint = normalizedFingerprint(pair[1])
                    guard fingerprint.count == 64 else {
                        throw ConfigurationError(
                            setting: source, problem: "'\(entry)': a SHA-256 fingerprint has 64 hex digits")
                    }
                    rule.certificateSHA256 = fingerprint
                default:
                    throw ConfigurationError(
                        setting: source, problem: "'\(entry)': '#\(condition)' is not #cn=… or #sha256=…")
                }
            }
            for host in rule.hosts where !IPNetwork.isHostOrNetwork(host) {
                throw ConfigurationError(
                    setting: source, problem: "'\(entry)': '\(host)' is not a host name, address or CIDR block")
            }
            rules.append(rule)
        }
        return rules
    }

    /// The file's array of objects in the environment's form, so that one parser checks both.
    static func text(ofJSON value: Any, source: String) throws(ConfigurationError) -> String {
        guard let list = value as? [[String: Any]] else {
            throw ConfigurationError(setting: source, problem: #"expected [{"aeTitle": …, "hosts": […]}, …]"#)
        }
        var entries: [String] = []
        for (index, item) in list.enumerated() {
            let unknown = Set(item.keys).subtracting(["aeTitle", "hosts", "certificateCN", "certificateSHA256"])
            guard let title = item["aeTitle"] as? String, unknown.isEmpty else {
                throw ConfigurationError(
                    setting: "\(source)[\(index)]",
                    problem: "needs aeTitle; may have hosts, certificateCN, certificateSHA256"
                        + (unknown.isEmpty ? "" : " (not \(unknown.sorted().joined(separator: ", ")))"))
            }
            var conditions = ""
            if let name = item["certificateCN"] {
                guard let name = name as? String, !name.contains(","), !name.contains("#") else {
                    throw ConfigurationError(
                        setting: "\(source)[\(index)].certificateCN", problem: "must be a string without ',' or '#'")
                }
                conditions += "#cn=" + name
            }
            if let fingerprint = item["certificateSHA256"] {
                guard let fingerprint = fingerprint as? String else {
                    throw ConfigurationError(
                        setting: "\(source)[\(index)].certificateSHA256", problem: "must be a string")
                }
                conditions += "#sha256=" + fingerprint
            }
            guard let hosts = (item["hosts"] ?? [String]()) as? [String] else {
                throw ConfigurationError(setting: "\(source)[\(index)].hosts", problem: "must be an array of strings")
            }
            entries += hosts.isEmpty ? [title + conditions] : hosts.map { "\(title)@\($0)\(conditions)" }
        }
        return entries.joined(separator: ",")
    }
}
