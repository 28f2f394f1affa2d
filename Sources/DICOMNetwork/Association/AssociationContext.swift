public import DICOM

/// What one established association is: who is at each end and what was negotiated. Services
/// get it with every request; the client exposes it on its association.
public struct AssociationContext: Sendable, Equatable {
    /// The requestor's AE title.
    public var callingAETitle: String
    /// The acceptor's AE title, as the requestor called it.
    public var calledAETitle: String
    /// The peer's IP address and port; nil when the transport has none (tests, Unix sockets).
    public var peerHost: String?
    public var peerPort: Int?
    /// The accepted presentation contexts, in the order proposed. Rejected ones are left out.
    public var presentationContexts: [NegotiatedPresentationContext]
    /// The largest PDU the peer receives; 0 for no limit.
    public var peerMaximumPDULength: UInt32
    /// The largest PDU we receive.
    public var maximumPDULength: UInt32
    public var peerImplementationClassUID: UID?
    public var peerImplementationVersionName: String?
    /// The user identity the requestor gave (PS3.7 D.3.3.7), unverified.
    public var userIdentity: UserInformation.UserIdentity?
    /// The acceptor's User Identity server response (PS3.7 D.3.3.7.2), if it sent one.
    public var userIdentityServerResponse: [UInt8]?
    /// How many requests the requestor may have outstanding at once: 1 (one after the other)
    /// unless an asynchronous operations window was negotiated (PS3.7 D.3.3.3).
    public var operationsInvoked: Int

    public init(
        callingAETitle: String, calledAETitle: String, peerHost: String? = nil, peerPort: Int? = nil,
        presentationContexts: [NegotiatedPresentationContext], peerMaximumPDULength: UInt32,
        maximumPDULength: UInt32, peerImplementationClassUID: UID? = nil,
        peerImplementationVersionName: String? = nil, userIdentity: UserInformation.UserIdentity? = nil,
        userIdentityServerResponse: [UInt8]? = nil, operationsInvoked: Int = 1
    ) {
        self.callingAETitle = callingAETitle
        self.calledAETitle = calledAETitle
        self.peerHost = peerHost
        self.peerPort = peerPort
        self.presentationContexts = presentationContexts
        self.peerMaximumPDULength = peerMaximumPDULength
        self.maximumPDULength = maximumPDULength
        self.peerImplementationClassUID = peerImplementationClassUID
        self.peerImplementationVersionName = peerImplementationVersionName
        self.userIdentity = userIdentity
        self.userIdentityServerResponse = userIdentityServerResponse
        self.operationsInvoked = max(1, operationsInvoked)
    }

    /// The accepted context with this ID.
    public func presentationContext(id: UInt8) -> NegotiatedPresentationContext? {
        presentationContexts.first { $0.id == id }
    }

    /// The first accepted context for an abstract syntax, preferring one in `transferSyntax`.
    public func presentationContext(for abstractSyntax: UID, transferSyntax: UID? = nil)
        -> NegotiatedPresentationContext?
    {
        let candidates = presentationContexts.filter { $0.abstractSyntax == abstractSyntax }
        return candidates.first { $0.transferSyntax == transferSyntax } ?? candidates.first
    }

    /// The largest PDU we send: the peer's maximum, bounded by our own so that a peer announcing
    /// "no limit" still gets PDUs of a sensible size.
    public var sendingPDULength: UInt32 {
        peerMaximumPDULength == 0 ? maximumPDULength : min(peerMaximumPDULength, maximumPDULength)
    }
}

/// An accepted presentation context (PS3.8 §9.3.3.2) with the roles agreed for its SOP class
/// (PS3.7 D.3.3.4): without a role selection the requestor is SCU and the acceptor SCP.
public struct NegotiatedPresentationContext: Sendable, Hashable {
    public var id: UInt8
    public var abstractSyntax: UID
    public var transferSyntax: UID
    public var requestorIsSCU: Bool
    public var requestorIsSCP: Bool

    public init(
        id: UInt8, abstractSyntax: UID, transferSyntax: UID, requestorIsSCU: Bool = true, requestorIsSCP: Bool = false
    ) {
        self.id = id
        self.abstractSyntax = abstractSyntax
        self.transferSyntax = transferSyntax
        self.requestorIsSCU = requestorIsSCU
        self.requestorIsSCP = requestorIsSCP
    }
}
