/// The A-ASSOCIATE-RJ PDU (PS3.8 §9.3.4, Table 9-21): the association is refused.
///
/// The reason is typed by its source, so `.serviceUser(.calledAETitleNotRecognized)` reads as the
/// standard does; values the standard reserves survive as raw values.
public struct AssociateReject: Sendable, Equatable {
    /// 8 Result: rejected permanently or transiently.
    public var result: Result
    /// 9 Source and 10 Reason/Diag.
    public var source: Source

    public init(result: Result, source: Source) {
        self.result = result
        self.source = source
    }

    /// 8 Result.
    public struct Result: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let permanent = Result(rawValue: 1)
        public static let transient = Result(rawValue: 2)
    }

    /// 9 Source, carrying the 10 Reason/Diag whose meaning depends on it.
    public enum Source: Sendable, Equatable {
        /// 1: DICOM UL service-user.
        case serviceUser(ServiceUserReason)
        /// 2: DICOM UL service-provider (ACSE related function).
        case serviceProviderACSE(ServiceProviderACSEReason)
        /// 3: DICOM UL service-provider (Presentation related function).
        case serviceProviderPresentation(ServiceProviderPresentationReason)
        /// Any other source byte, with the reason byte as received.
        case other(source: UInt8, reason: UInt8)

        /// The 9 Source byte.
        public var sourceByte: UInt8 {
            switch self {
            case .serviceUser: 1
            case .serviceProviderACSE: 2
            case .serviceProviderPresentation: 3
            case .other(let source, _): source
            }
        }

        /// The 10 Reason/Diag byte.
        public var reasonByte: UInt8 {
            switch self {
            case .serviceUser(let reason): reason.rawValue
            case .serviceProviderACSE(let reason): reason.rawValue
            case .serviceProviderPresentation(let reason): reason.rawValue
            case .other(_, let reason): reason
            }
        }

        /// The source for these two bytes; sources other than 1–3 become `.other`.
        public init(sourceByte: UInt8, reasonByte: UInt8) {
            switch sourceByte {
            case 1: self = .serviceUser(ServiceUserReason(rawValue: reasonByte))
            case 2: self = .serviceProviderACSE(ServiceProviderACSEReason(rawValue: reasonByte))
            case 3: self = .serviceProviderPresentation(ServiceProviderPresentationReason(rawValue: reasonByte))
            default: self = .other(source: sourceByte, reason: reasonByte)
            }
        }
    }

    /// 10 Reason/Diag when the source is the service-user (1).
    public struct ServiceUserReason: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let noReasonGiven = ServiceUserReason(rawValue: 1)
        public static let applicationContextNameNotSupported = ServiceUserReason(rawValue: 2)
        public static let callingAETitleNotRecognized = ServiceUserReason(rawValue: 3)
        public static let calledAETitleNotRecognized = ServiceUserReason(rawValue: 7)
    }

    /// 10 Reason/Diag when the source is the service-provider, ACSE related function (2).
    public struct ServiceProviderACSEReason: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let noReasonGiven = ServiceProviderACSEReason(rawValue: 1)
        public static let protocolVersionNotSupported = ServiceProviderACSEReason(rawValue: 2)
    }

    /// 10 Reason/Diag when the source is the service-provider, Presentation related function (3).
    public struct ServiceProviderPresentationReason: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let temporaryCongestion = ServiceProviderPresentationReason(rawValue: 1)
        public static let localLimitExceeded = ServiceProviderPresentationReason(rawValue: 2)
    }
}
