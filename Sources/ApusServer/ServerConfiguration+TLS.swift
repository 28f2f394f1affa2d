public import DICOMNetwork

extension ServerConfiguration {
    /// The TLS listener's files and verification, or nil without a TLS port. A TLS port
    /// without certificate and key, or verification without a CA file, is refused.
    public func dicomTLS(onReload: @escaping @Sendable (TLSReload) -> Void = { _ in }) throws(ConfigurationError)
        -> ServerTLSConfiguration?
    {
        guard dicomTLSPort != nil else { return nil }
        guard let tlsCertificateFile, let tlsKeyFile else {
            throw ConfigurationError(
                setting: "APUS_DICOM_TLS_PORT (dicomTLSPort)",
                problem: "a TLS listener needs APUS_TLS_CERTIFICATE_FILE and APUS_TLS_KEY_FILE")
        }
        if dicomTLSVerifyPeer == true, tlsCAFile == nil {
            throw ConfigurationError(
                setting: "APUS_DICOM_TLS_VERIFY_PEER (dicomTLSVerifyPeer)",
                problem: "verifying client certificates needs APUS_TLS_CA_FILE")
        }
        return ServerTLSConfiguration(
            certificateChainFile: tlsCertificateFile, privateKeyFile: tlsKeyFile, trustRootsFile: tlsCAFile,
            verifiesPeer: dicomTLSVerifyPeer, reloadInterval: tlsReloadInterval, onReload: onReload)
    }

    /// Reads the certificate, key and CA files as the listener will; what is wrong is said
    /// with the setting that names the file.
    public func checkTLSFiles() async throws(ConfigurationError) {
        guard let tls = try dicomTLS() else { return }
        do {
            try await tls.check()
        } catch {
            throw ConfigurationError(setting: Self.settingName(of: error.file), problem: error.description)
        }
    }

    static func settingName(of file: TLSFileError.File) -> String {
        switch file {
        case .certificate: "APUS_TLS_CERTIFICATE_FILE (tlsCertificateFile)"
        case .privateKey: "APUS_TLS_KEY_FILE (tlsKeyFile)"
        case .trustRoots: "APUS_TLS_CA_FILE (tlsCAFile)"
        }
    }
}
