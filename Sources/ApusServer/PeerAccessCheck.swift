import Crypto
import DICOMNetwork
import Logging
import NIOCore
import SwiftASN1
import X509

/// The `peerAccess` rules as the DICOM listener applies them to each A-ASSOCIATE-RQ: host
/// names resolved once, at start; each refusal logged with its reason (the peer hears only
/// "calling AE title not recognized", PS3.8 Table 9-21).
struct PeerAccessCheck: Sendable {
    struct Rule: Sendable {
        var aeTitle: String
        /// Empty: any address.
        var networks: [IPNetwork]
        var hosts: [String]
        var commonName: String?
        var sha256: String?
    }

    let rules: [String: [Rule]]

    /// Host names are resolved here (getaddrinfo): a name that does not resolve stops start-up.
    init(rules: [PeerAccessRule]) throws(ConfigurationError) {
        var byTitle: [String: [Rule]] = [:]
        for rule in rules {
            var networks: [IPNetwork] = []
            for host in rule.hosts {
                if let network = IPNetwork(host) {
                    networks.append(network)
                    continue
                }
                let addresses = Self.resolve(host)
                guard !addresses.isEmpty else {
                    throw ConfigurationError(
                        setting: "peerAccess (APUS_PEER_ACCESS)",
                        problem: "the host '\(host)' of \(rule.aeTitle) does not resolve")
                }
                networks += addresses
            }
            byTitle[rule.aeTitle, default: []].append(
                Rule(
                    aeTitle: rule.aeTitle, networks: networks, hosts: rule.hosts,
                    commonName: rule.certificateCommonName, sha256: rule.certificateSHA256))
        }
        self.rules = byTitle
    }

    /// The addresses a name has, IPv4 and IPv6.
    static func resolve(_ host: String) -> [IPNetwork] {
        guard let addresses = try? SocketAddress.makeAddressResolvingHost(host, port: 0).ipAddress else { return [] }
        return IPNetwork(addresses).map { [$0] } ?? []
    }

    /// Why this requestor is refused, nil when a rule admits it.
    func refusal(of requestor: AssociationRequestor) -> String? {
        let title = requestor.callingAETitle
        guard let candidates = rules[title] else { return "calling AE title '\(title)' is not in peerAccess" }
        let host = requestor.host ?? "(no address)"
        var reasons: [String] = []
        for rule in candidates {
            if !rule.networks.isEmpty, !rule.networks.contains(where: { $0.contains(host) }) {
                reasons.append("\(host) is not \(rule.hosts.joined(separator: " or "))")
                continue
            }
            if let problem = certificateProblem(rule, der: requestor.certificate) {
                reasons.append(problem)
                continue
            }
            return nil
        }
        return "calling AE title '\(title)' from \(host): " + reasons.joined(separator: "; ")
    }

    private func certificateProblem(_ rule: Rule, der: [UInt8]?) -> String? {
        guard rule.commonName != nil || rule.sha256 != nil else { return nil }
        guard let der else { return "no client certificate (a TLS client certificate is required)" }
        if let fingerprint = rule.sha256 {
            let actual = Self.fingerprint(der)
            if actual != fingerprint { return "client certificate SHA-256 \(actual) is not \(fingerprint)" }
        }
        if let expected = rule.commonName {
            let actual = Self.commonName(der) ?? "(none)"
            if actual != expected { return "client certificate CN '\(actual)' is not '\(expected)'" }
        }
        return nil
    }

    static func fingerprint(_ der: [UInt8]) -> String {
        SHA256.hash(data: der).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The subject's (last) common name.
    static func commonName(_ der: [UInt8]) -> String? {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        return certificate.subject.reversed().lazy.flatMap { $0 }
            .first { $0.type == ASN1ObjectIdentifier.RDNAttributeType.commonName }.flatMap { String($0.value) }
    }
}

extension ApusServer {
    /// The policy's check of who associates, when `peerAccess` is set; refusals are logged.
    func requestorCheck() throws(ConfigurationError) -> (@Sendable (AssociationRequestor) -> String?)? {
        guard let rules = configuration.peerAccess else { return nil }
        let check = try PeerAccessCheck(rules: rules)
        let logger = logger
        return { requestor in
            guard let reason = check.refusal(of: requestor) else { return nil }
            logger.warning(
                "association refused: calling AE title not recognized",
                metadata: [
                    "callingAETitle": "\(requestor.callingAETitle)", "peer": "\(requestor.host ?? "-")",
                    "reason": "\(reason)",
                ])
            return reason
        }
    }
}
