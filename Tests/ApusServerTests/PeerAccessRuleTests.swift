import DICOMNetwork
import Testing

@testable import ApusServer

/// The `peerAccess` setting: its two written forms, address blocks, and the reasons a
/// requestor is refused (the end-to-end tests with DCMTK are in ApusCommandTests).
@Suite("peerAccess rules")
struct PeerAccessRuleTests {
    @Test func addressBlocks() throws {
        let block = try #require(IPNetwork("10.1.2.0/23"))
        #expect(block.contains("10.1.3.255") && block.contains("10.1.2.0"))
        #expect(!block.contains("10.1.4.0") && !block.contains("fd00::1") && !block.contains("not an address"))
        #expect(try #require(IPNetwork("127.0.0.1")).contains("::ffff:127.0.0.1"))
        let v6 = try #require(IPNetwork("fd00:abcd::/32"))
        #expect(v6.contains("fd00:abcd:1::5") && !v6.contains("fd00:abce::1"))
        #expect(try #require(IPNetwork("0.0.0.0/0")).contains("192.0.2.1"))
        for bad in ["10.1.2.0/33", "10.1.2", "fd00::/129", "10.0.0.0/x", ""] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
        #expect(IPNetwork.isHostOrNetwork("pacs-1.hospital.example"))
        #expect(!IPNetwork.isHostOrNetwork("bad host"))
    }

    @Test func environmentAndFileForms() throws {
        let fromEnvironment = try PeerAccessRule.parseList(
            "CT1@10.1.2.0/24#cn=ct1.example, MR1@mr1.example#sha256=AB:CD:\(String(repeating: "0", count: 60)),PACS",
            source: "APUS_PEER_ACCESS")
        #expect(
            fromEnvironment == [
                PeerAccessRule(aeTitle: "CT1", hosts: ["10.1.2.0/24"], certificateCommonName: "ct1.example"),
                PeerAccessRule(
                    aeTitle: "MR1", hosts: ["mr1.example"],
                    certificateSHA256: "abcd" + String(repeating: "0", count: 60)),
                PeerAccessRule(aeTitle: "PACS"),
            ])
        let text = try PeerAccessRule.text(
            ofJSON: [
                ["aeTitle": "CT1", "hosts": ["10.0.0.1", "10.0.0.2"], "certificateCN": "ct1"], ["aeTitle": "X"],
            ],
            source: "peerAccess")
        #expect(text == "CT1@10.0.0.1#cn=ct1,CT1@10.0.0.2#cn=ct1,X")
        #expect(try PeerAccessRule.parseList("", source: "x") == nil)
        for bad in ["@10.0.0.1", "CT1@bad host", "CT1#cn", "CT1#sha256=abc", "CT1#ou=x", "MUCH_TOO_LONG_AE_TITLE"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try PeerAccessRule.parseList(bad, source: "x") }
        }
        #expect(throws: ConfigurationError.self) {
            try PeerAccessRule.text(ofJSON: [["aeTitle": "CT1", "host": "10.0.0.1"]], source: "peerAccess")
        }
    }

    @Test func refusalsSayWhy() throws {
        let check = try PeerAccessCheck(rules: [
            PeerAccessRule(aeTitle: "CT1", hosts: ["10.1.2.0/24"]),
            PeerAccessRule(aeTitle: "CT1", hosts: ["192.0.2.7"]),
            PeerAccessRule(aeTitle: "MR1", certificateSHA256: String(repeating: "a", count: 64)),
            PeerAccessRule(aeTitle: "LOCAL", hosts: ["localhost"]),
        ])
        func requestor(_ title: String, _ host: String, _ certificate: [UInt8]? = nil) -> AssociationRequestor {
            AssociationRequestor(callingAETitle: title, calledAETitle: "APUS", host: host, certificate: certificate)
        }
        #expect(check.refusal(of: requestor("CT1", "10.1.2.99")) == nil)
        #expect(check.refusal(of: requestor("CT1", "192.0.2.7")) == nil)
        #expect(
            check.refusal(of: requestor("CT1", "10.9.9.9"))
                == "calling AE title 'CT1' from 10.9.9.9: 10.9.9.9 is not 10.1.2.0/24; 10.9.9.9 is not 192.0.2.7")
        #expect(check.refusal(of: requestor("NOBODY", "10.1.2.3")) == "calling AE title 'NOBODY' is not in peerAccess")
        #expect(check.refusal(of: requestor("MR1", "10.1.2.3"))?.contains("no client certificate") == true)
        #expect(check.refusal(of: requestor("MR1", "10.1.2.3", [1, 2, 3]))?.contains("SHA-256") == true)
        // Host names resolve at start: localhost is 127.0.0.1 (or ::1).
        #expect(
            check.refusal(of: requestor("LOCAL", "127.0.0.1")) == nil
                || check.refusal(of: requestor("LOCAL", "::1")) == nil)
        #expect(throws: ConfigurationError.self) {
            try PeerAccessCheck(rules: [PeerAccessRule(aeTitle: "X", hosts: ["no-such-host.invalid"])])
        }
    }
}
