public import DICOM

/// The A-ASSOCIATE-AC PDU (PS3.8 §9.3.3, Table 9-17): the acceptor's answer to each proposal.
public struct AssociateAccept: Sendable, Equatable {
    /// 7-8 Protocol-version: bit 0 set for this version of the protocol.
    public var protocolVersion: UInt16
    /// 11-26 Reserved: sent with the Called-AE-title of the A-ASSOCIATE-RQ, not tested on receipt.
    public var calledAETitle: String
    /// 27-42 Reserved: sent with the Calling-AE-title of the A-ASSOCIATE-RQ, not tested on receipt.
    public var callingAETitle: String
    /// Application Context Item (10H).
    public var applicationContext: UID
    /// Presentation Context Items (21H), one per proposed context.
    public var presentationContexts: [PresentationContextResult]
    /// User Information Item (50H).
    public var userInformation: UserInformation

    public init(
        protocolVersion: UInt16 = 1,
        calledAETitle: String,
        callingAETitle: String,
        applicationContext: UID = .dicomApplicationContext,
        presentationContexts: [PresentationContextResult],
        userInformation: UserInformation = UserInformation()
    ) {
        self.protocolVersion = protocolVersion
        self.calledAETitle = calledAETitle
        self.callingAETitle = callingAETitle
        self.applicationContext = applicationContext
        self.presentationContexts = presentationContexts
        self.userInformation = userInformation
    }
}
