public import DICOM

/// The A-ASSOCIATE-RQ PDU (PS3.8 §9.3.2, Table 9-11): what the association requestor proposes.
public struct AssociateRequest: Sendable, Equatable {
    /// 7-8 Protocol-version: bit 0 set for this version of the protocol.
    public var protocolVersion: UInt16
    /// 11-26 Called-AE-title, without its space padding (at most 16 characters on the wire).
    public var calledAETitle: String
    /// 27-42 Calling-AE-title, without its space padding (at most 16 characters on the wire).
    public var callingAETitle: String
    /// Application Context Item (10H): the DICOM application context name.
    public var applicationContext: UID
    /// Presentation Context Items (20H), in the order proposed.
    public var presentationContexts: [PresentationContextProposal]
    /// User Information Item (50H).
    public var userInformation: UserInformation

    public init(
        protocolVersion: UInt16 = 1,
        calledAETitle: String,
        callingAETitle: String,
        applicationContext: UID = .dicomApplicationContext,
        presentationContexts: [PresentationContextProposal],
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
