import NIOSSL

/// The contents of the PEM files of one TLS endpoint, parsed: what a `NIOSSLContext` is made of.
struct TLSCredentials {
    /// The files' bytes, to tell whether they changed since.
    var contents: [[UInt8]]
    var chain: [NIOSSLCertificate]
    var key: NIOSSLPrivateKey?
    var trustRoots: [NIOSSLCertificate]?

    /// Reads and parses the files that are given; each problem names its file.
    static func load(certificateChain: String?, privateKey: String?, trustRoots: String?) async throws(TLSFileError)
        -> TLSCredentials
    {
        var credentials = TLSCredentials(contents: [], chain: [], key: nil, trustRoots: nil)
        if let path = certificateChain {
            let bytes = try await PEMFile.contents(of: path, as: .certificate)
            credentials.contents.append(bytes)
            credentials.chain = try certificates(in: bytes, file: .certificate, path: path)
        }
        if let path = privateKey {
            let bytes = try await PEMFile.contents(of: path, as: .privateKey)
            credentials.contents.append(bytes)
            do {
                credentials.key = try NIOSSLPrivateKey(bytes: bytes, format: .pem)
            } catch {
                throw TLSFileError(
                    file: .privateKey, path: path, problem: "not an unencrypted PEM private key (\(error))")
            }
        }
        if let path = trustRoots {
            let bytes = try await PEMFile.contents(of: path, as: .trustRoots)
            credentials.contents.append(bytes)
            credentials.trustRoots = try certificates(in: bytes, file: .trustRoots, path: path)
        }
        return credentials
    }

    private static func certificates(in bytes: [UInt8], file: TLSFileError.File, path: String)
        throws(TLSFileError) -> [NIOSSLCertificate]
    {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw TLSFileError(file: file, path: path, problem: "not PEM certificates (\(error))")
        }
        guard !certificates.isEmpty else {
            throw TLSFileError(file: file, path: path, problem: "no PEM certificate in it")
        }
        return certificates
    }

    /// The context of a server endpoint. A key that is not the certificate's fails here:
    /// BoringSSL checks the pair when the key is set.
    func serverContext(_ configuration: ServerTLSConfiguration) throws(TLSFileError) -> NIOSSLContext {
        guard let key else {
            throw TLSFileError(file: .privateKey, path: configuration.privateKeyFile, problem: "no private key")
        }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        if configuration.verifiesPeer {
            guard let trustRoots else {
                throw TLSFileError(
                    file: .trustRoots, path: "", problem: "verifying client certificates needs a CA file")
            }
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(trustRoots)
            // Clients with several certificates pick the one our CAs signed.
            tls.sendCANameList = true
        } else if let trustRoots {
            // Anonymous clients are accepted, but a certificate that is presented must chain to
            // our CAs: it is what a peer access rule (subject, fingerprint) then looks at.
            tls.certificateVerification = .optionalVerification
            tls.trustRoots = .certificates(trustRoots)
            tls.sendCANameList = true
        } else {
            tls.certificateVerification = .none
        }
        return try Self.context(tls, keyPath: configuration.privateKeyFile)
    }

    /// The key was parsed already: when BoringSSL refuses it with the certificate, the two are
    /// not a pair.
    static func context(_ tls: TLSConfiguration, keyPath: String) throws(TLSFileError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: tls)
        } catch NIOSSLError.failedToLoadPrivateKey {
            throw TLSFileError(
                file: .privateKey, path: keyPath, problem: "the private key does not match the certificate")
        } catch {
            throw TLSFileError(
                file: .privateKey, path: keyPath, problem: "cannot be used with the certificate (\(error))")
        }
    }

    /// Subject and serial number (hex) of the leaf certificate, for logs.
    var leafDescription: (subject: String, serialNumber: String) {
        guard let leaf = chain.first else { return ("", "") }
        let serial = leaf.serialNumber.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        return ("\(leaf)", serial)
    }
}

extension ClientTLSConfiguration {
    /// The context of one connection's handshake, from the files named.
    func context() async throws(TLSFileError) -> NIOSSLContext {
        if (certificateChainFile == nil) != (privateKeyFile == nil) {
            throw TLSFileError(
                file: certificateChainFile == nil ? .certificate : .privateKey,
                path: certificateChainFile ?? privateKeyFile ?? "",
                problem: "a client certificate needs its private key, and the key its certificate")
        }
        let credentials = try await TLSCredentials.load(
            certificateChain: certificateChainFile, privateKey: privateKeyFile, trustRoots: trustRootsFile)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = verifiesHostname ? .fullVerification : .noHostnameVerification
        if let roots = credentials.trustRoots { tls.trustRoots = .certificates(roots) }
        if let key = credentials.key {
            tls.certificateChain = credentials.chain.map { .certificate($0) }
            tls.privateKey = .privateKey(key)
        }
        return try TLSCredentials.context(tls, keyPath: privateKeyFile ?? "")
    }
}
