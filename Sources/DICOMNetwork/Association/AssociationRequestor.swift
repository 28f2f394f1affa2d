/// Who asks for an association, as the acceptor sees it before answering: the AE titles of
/// the A-ASSOCIATE-RQ, the transport's address and, over TLS, the certificate the peer
/// presented (already verified against the trusted CAs when the listener requires one).
public struct AssociationRequestor: Sendable, Equatable {
    public var callingAETitle: String
    public var calledAETitle: String
    /// The peer's IP address; nil when the transport has none.
    public var host: String?
    /// The DER bytes of the peer's leaf certificate; nil without TLS or without a certificate.
    public var certificate: [UInt8]?

    public init(callingAETitle: String, calledAETitle: String, host: String? = nil, certificate: [UInt8]? = nil) {
        self.callingAETitle = callingAETitle
        self.calledAETitle = calledAETitle
        self.host = host
        self.certificate = certificate
    }
}
