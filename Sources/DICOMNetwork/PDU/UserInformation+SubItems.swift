public import DICOM

extension UserInformation {
    /// Asynchronous Operations Window Sub-Item (53H, PS3.7 D.3.3.3). 0 means unlimited.
    public struct AsynchronousOperationsWindow: Sendable, Equatable {
        /// 5-6 Maximum-number-operations-invoked.
        public var maximumOperationsInvoked: UInt16
        /// 7-8 Maximum-number-operations-performed.
        public var maximumOperationsPerformed: UInt16

        public init(maximumOperationsInvoked: UInt16, maximumOperationsPerformed: UInt16) {
            self.maximumOperationsInvoked = maximumOperationsInvoked
            self.maximumOperationsPerformed = maximumOperationsPerformed
        }
    }

    /// SCP/SCU Role Selection Sub-Item (54H, PS3.7 D.3.3.4). In an A-ASSOCIATE-RQ the roles the
    /// requestor proposes; in an A-ASSOCIATE-AC whether the acceptor accepts each proposal.
    public struct RoleSelection: Sendable, Equatable {
        /// 7-xxx SOP-class-uid (or Meta SOP Class UID).
        public var sopClassUID: UID
        /// xxx SCU-role (any non-zero byte reads as `true`).
        public var scuRole: Bool
        /// xxx SCP-role (any non-zero byte reads as `true`).
        public var scpRole: Bool

        public init(sopClassUID: UID, scuRole: Bool, scpRole: Bool) {
            self.sopClassUID = sopClassUID
            self.scuRole = scuRole
            self.scpRole = scpRole
        }
    }

    /// SOP Class Extended Negotiation Sub-Item (56H, PS3.7 D.3.3.5).
    public struct SOPClassExtendedNegotiation: Sendable, Equatable {
        /// 7-xxx SOP-class-uid.
        public var sopClassUID: UID
        /// xxx-xxx Service-class-application-information, defined by each service class.
        public var applicationInformation: [UInt8]

        public init(sopClassUID: UID, applicationInformation: [UInt8]) {
            self.sopClassUID = sopClassUID
            self.applicationInformation = applicationInformation
        }
    }

    /// SOP Class Common Extended Negotiation Sub-Item (57H, PS3.7 D.3.3.6).
    public struct SOPClassCommonExtendedNegotiation: Sendable, Equatable {
        /// 7-xxx SOP-class-uid.
        public var sopClassUID: UID
        /// xxx-xxx Service-class-uid.
        public var serviceClassUID: UID
        /// xxx-xxx Related-general-sop-class-identification: zero or more UIDs.
        public var relatedGeneralSOPClassUIDs: [UID]

        public init(sopClassUID: UID, serviceClassUID: UID, relatedGeneralSOPClassUIDs: [UID] = []) {
            self.sopClassUID = sopClassUID
            self.serviceClassUID = serviceClassUID
            self.relatedGeneralSOPClassUIDs = relatedGeneralSOPClassUIDs
        }
    }

    /// User Identity Sub-Item of an A-ASSOCIATE-RQ (58H, PS3.7 D.3.3.7.1).
    public struct UserIdentity: Sendable, Equatable {
        /// 5 User-Identity-Type.
        public var type: IdentityType
        /// 6 Positive-response-requested.
        public var positiveResponseRequested: Bool
        /// 9-n Primary-field: user name, Kerberos ticket, SAML assertion or JSON web token.
        public var primaryField: [UInt8]
        /// n+3-m Secondary-field: the passcode, empty unless the type is `.usernameAndPasscode`.
        public var secondaryField: [UInt8]

        public init(
            type: IdentityType,
            positiveResponseRequested: Bool,
            primaryField: [UInt8],
            secondaryField: [UInt8] = []
        ) {
            self.type = type
            self.positiveResponseRequested = positiveResponseRequested
            self.primaryField = primaryField
            self.secondaryField = secondaryField
        }

        /// 5 User-Identity-Type (PS3.7 Table D.3-14); other values are kept as received.
        public struct IdentityType: RawRepresentable, Sendable, Hashable {
            public var rawValue: UInt8
            public init(rawValue: UInt8) { self.rawValue = rawValue }

            public static let username = IdentityType(rawValue: 1)
            public static let usernameAndPasscode = IdentityType(rawValue: 2)
            public static let kerberos = IdentityType(rawValue: 3)
            public static let saml = IdentityType(rawValue: 4)
            public static let jwt = IdentityType(rawValue: 5)
        }
    }
}
