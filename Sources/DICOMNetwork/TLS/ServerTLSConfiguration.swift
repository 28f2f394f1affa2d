/// DICOM over TLS on a listener (PS3.15 Annex B): our certificate and key from PEM files, and,
/// for mutual TLS, the CA certificates that a peer's certificate must chain to. TLS 1.2 or later.
///
/// The files are read again every `reloadInterval`; when they changed and still make a valid
/// pair, new connections get the new certificate (cert-manager rotates Kubernetes Secrets
/// under a running server). Connections already open keep theirs.
public struct ServerTLSConfiguration: Sendable {
    /// PEM: our certificate first, then the intermediates to send with it.
    public var certificateChainFile: String
    /// PEM, unencrypted.
    public var privateKeyFile: String
    /// PEM CA certificates that client certificates must chain to.
    public var trustRootsFile: String?
    /// Require a client certificate that chains to `trustRootsFile` (no host name check: peers
    /// are identified by their certificate, not by their address). Off, clients need no
    /// certificate (DCMTK's `+tla`, anonymous TLS) and any certificate they send is not checked.
    public var verifiesPeer: Bool
    public var reloadInterval: Duration
    /// Told of each reload, and of changed files that could not be used (the old
    /// certificate stays in use until the files are right).
    public var onReload: @Sendable (TLSReload) -> Void

    /// `verifiesPeer` defaults to whether a CA file is given.
    public init(
        certificateChainFile: String, privateKeyFile: String, trustRootsFile: String? = nil,
        verifiesPeer: Bool? = nil, reloadInterval: Duration = .seconds(10),
        onReload: @escaping @Sendable (TLSReload) -> Void = { _ in }
    ) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.trustRootsFile = trustRootsFile
        self.verifiesPeer = verifiesPeer ?? (trustRootsFile != nil)
        self.reloadInterval = reloadInterval
        self.onReload = onReload
    }
}

/// What a check of the certificate files found.
public enum TLSReload: Sendable {
    /// New files, in use for new connections; the subject and serial number (hex) of the leaf.
    case reloaded(subject: String, serialNumber: String)
    /// The files changed but can't be used; the previous certificate stays.
    case failed(TLSFileError)
}

extension ServerTLSConfiguration {
    /// Reads the files and makes the context, as the listener will at start: throws what is
    /// wrong with which file.
    public func check() async throws(TLSFileError) {
        _ = try await ServerTLSContext.load(self)
    }
}
