public import DICOM

/// The User Information Item (50H, PS3.8 §9.3.2.3 and §9.3.3.3) with its sub-items (PS3.7 Annex D.3.3).
///
/// Sub-items are written in type order (51H first, as DCMTK does); the standard sets no order.
/// Sub-items of types this codec does not know are kept in `unknownSubItems` and written back.
public struct UserInformation: Sendable, Equatable {
    /// Maximum Length Sub-Item (51H): the largest P-DATA-TF PDU-length the sender receives; 0 for no limit.
    public var maximumLength: UInt32?
    /// Implementation Class UID Sub-Item (52H).
    public var implementationClassUID: UID?
    /// Asynchronous Operations Window Sub-Item (53H).
    public var asynchronousOperationsWindow: AsynchronousOperationsWindow?
    /// SCP/SCU Role Selection Sub-Items (54H), one per SOP class.
    public var roleSelections: [RoleSelection]
    /// Implementation Version Name Sub-Item (55H): 1–16 characters.
    public var implementationVersionName: String?
    /// SOP Class Extended Negotiation Sub-Items (56H).
    public var extendedNegotiations: [SOPClassExtendedNegotiation]
    /// SOP Class Common Extended Negotiation Sub-Items (57H), A-ASSOCIATE-RQ only.
    public var commonExtendedNegotiations: [SOPClassCommonExtendedNegotiation]
    /// User Identity Sub-Item of an A-ASSOCIATE-RQ (58H).
    public var userIdentity: UserIdentity?
    /// User Identity Sub-Item of an A-ASSOCIATE-AC (59H): the server response.
    public var userIdentityServerResponse: [UInt8]?
    /// Sub-items of other types, as received.
    public var unknownSubItems: [UnknownSubItem]

    public init(
        maximumLength: UInt32? = nil,
        implementationClassUID: UID? = nil,
        asynchronousOperationsWindow: AsynchronousOperationsWindow? = nil,
        roleSelections: [RoleSelection] = [],
        implementationVersionName: String? = nil,
        extendedNegotiations: [SOPClassExtendedNegotiation] = [],
        commonExtendedNegotiations: [SOPClassCommonExtendedNegotiation] = [],
        userIdentity: UserIdentity? = nil,
        userIdentityServerResponse: [UInt8]? = nil,
        unknownSubItems: [UnknownSubItem] = []
    ) {
        self.maximumLength = maximumLength
        self.implementationClassUID = implementationClassUID
        self.asynchronousOperationsWindow = asynchronousOperationsWindow
        self.roleSelections = roleSelections
        self.implementationVersionName = implementationVersionName
        self.extendedNegotiations = extendedNegotiations
        self.commonExtendedNegotiations = commonExtendedNegotiations
        self.userIdentity = userIdentity
        self.userIdentityServerResponse = userIdentityServerResponse
        self.unknownSubItems = unknownSubItems
    }

    /// A sub-item of a type not defined by the standard (or newer than this codec).
    public struct UnknownSubItem: Sendable, Equatable {
        /// 1 Item-type.
        public var type: UInt8
        /// 5-xxx: everything after the item length.
        public var value: [UInt8]

        public init(type: UInt8, value: [UInt8]) {
            self.type = type
            self.value = value
        }
    }
}
