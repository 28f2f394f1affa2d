/// The A-ABORT PDU (PS3.8 §9.3.8, Table 9-26).
public struct Abort: Sendable, Equatable {
    /// 9 Source.
    public var source: Source
    /// 10 Reason/Diag: significant only when the source is the service-provider.
    public var reason: Reason

    public init(source: Source, reason: Reason = .reasonNotSpecified) {
        self.source = source
        self.reason = reason
    }

    /// An abort requested by the service-user (A-ABORT service).
    public static let serviceUser = Abort(source: .serviceUser)

    /// An abort initiated by the service-provider (A-P-ABORT), with its reason.
    public static func serviceProvider(_ reason: Reason) -> Abort {
        Abort(source: .serviceProvider, reason: reason)
    }

    /// 9 Source.
    public struct Source: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// DICOM UL service-user (initiated abort).
        public static let serviceUser = Source(rawValue: 0)
        /// Reserved.
        public static let reserved = Source(rawValue: 1)
        /// DICOM UL service-provider (initiated abort).
        public static let serviceProvider = Source(rawValue: 2)
    }

    /// 10 Reason/Diag.
    public struct Reason: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let reasonNotSpecified = Reason(rawValue: 0)
        public static let unrecognizedPDU = Reason(rawValue: 1)
        public static let unexpectedPDU = Reason(rawValue: 2)
        public static let unrecognizedPDUParameter = Reason(rawValue: 4)
        public static let unexpectedPDUParameter = Reason(rawValue: 5)
        public static let invalidPDUParameterValue = Reason(rawValue: 6)
    }
}
