/// DICOM over TLS to a peer (PS3.15 Annex B), TLS 1.2 or later.
public struct ClientTLSConfiguration: Sendable {
    /// PEM CA certificates the peer's certificate must chain to; nil trusts the system's.
    public var trustRootsFile: String?
    /// Our certificate (PEM, leaf first) and key, for peers that ask for one (mutual TLS).
    public var certificateChainFile: String?
    public var privateKeyFile: String?
    /// The peer's certificate must name the host we connect to (or its IP address). Off,
    /// any certificate that chains to the trust roots will do.
    public var verifiesHostname: Bool

    public init(
        trustRootsFile: String? = nil, certificateChainFile: String? = nil, privateKeyFile: String? = nil,
        verifiesHostname: Bool = true
    ) {
        self.trustRootsFile = trustRootsFile
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.verifiesHostname = verifiesHostname
    }
}
