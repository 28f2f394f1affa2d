/// An entry of the change feed: what happened to which entity, in commit order. Consumers
/// (forwarding, DICOMweb subscriptions, caches) remember the last sequence they saw.
public struct Change: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// A patient, study or series seen for the first time, or a new instance.
        case created
        /// An instance replaced under the `overwrite` policy.
        case updated
        case deleted
    }

    /// Increases with every change, never reused.
    public var sequence: Int64
    public var kind: Kind
    public var resource: ResourceSelector
    /// The resource with its ancestors, which its REST id hashes. Nil only for a change
    /// recorded before the index kept ancestors whose resource was gone when it was upgraded.
    public var path: ResourcePath?
    /// When the change was committed, in seconds since 1970-01-01 UTC.
    public var time: Double

    public init(sequence: Int64, kind: Kind, resource: ResourceSelector, path: ResourcePath?, time: Double) {
        self.sequence = sequence
        self.kind = kind
        self.resource = resource
        self.path = path
        self.time = time
    }
}

/// One entity of the hierarchy, by its unique key.
public enum ResourceSelector: Sendable, Hashable {
    case patient(PatientIdentity)
    case study(String)
    case series(String)
    case instance(String)

    public var level: QueryLevel {
        switch self {
        case .patient: .patient
        case .study: .study
        case .series: .series
        case .instance: .image
        }
    }
}
