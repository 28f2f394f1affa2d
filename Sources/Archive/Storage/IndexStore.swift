/// The database of the archive: patients → studies → series → instances, with the attributes
/// each level answers queries with, counts and sizes, the instances' metadata and a change
/// feed. Implemented by `ArchiveSQLite` (embedded default) and later by PostgreSQL.
///
/// Every method may be called concurrently from any number of tasks and replicas; the
/// implementation serialises what must be serialised with database transactions, never
/// with state held only in the process.
public protocol IndexStore: Sendable {
    /// Records instances whose blobs are durable. Each registration is all or nothing — its
    /// patient, study and series rows (created when new), instance row, metadata and change
    /// entries commit together — and the outcomes come back, in order, only after the
    /// commit. An implementation may commit several registrations (of one call, or of
    /// concurrent calls) in one transaction; one failing never undoes another.
    ///
    /// Concurrent registrations of instances of one new study create one study row.
    func register(_ registrations: [InstanceRegistration]) async throws -> [RegistrationOutcome]

    /// The entities at `query.level` that match, in the order they were first stored,
    /// windowed by the query's offset and limit, fetched as they are consumed so that memory
    /// stays bounded whatever the number of matches.
    func query(_ query: ArchiveQuery) -> AsyncThrowingStream<IndexRow, any Error>

    /// The instances under the entities that match (for C-GET, C-MOVE, WADO-RS), whatever
    /// the query's level, in storage order. Offset and limit apply to the instances.
    func instances(matching query: ArchiveQuery) -> AsyncThrowingStream<StoredInstance, any Error>

    func instance(sopInstanceUID: String) async throws -> StoredInstance?

    func metadata(sopInstanceUID: String) async throws -> InstanceMetadata?

    /// The metadata of the instances `instances(matching:)` selects, in the same order, read
    /// page by page: a study's metadata (WADO-RS) without opening a blob.
    func metadata(matching query: ArchiveQuery) -> AsyncThrowingStream<InstanceMetadata, any Error>

    /// The entity at `level` whose REST id is `id` (each row keeps the `ResourceID` computed
    /// when it was created), with the unique keys above it; nil when there is none.
    func resource(_ id: ResourceID, at level: QueryLevel) async throws -> IndexedResource?

    /// Removes the entity and everything below it, and entities above it left empty. Returns
    /// the blobs no row references any more, for the caller to delete after this commit.
    func delete(_ resource: ResourceSelector) async throws -> [BlobKey]

    /// Those of `keys` that an instance row references: what an orphan sweep must keep.
    func referencedBlobs(among keys: [BlobKey]) async throws -> Set<BlobKey>

    /// Changes after `sequence` (0 for the first), oldest first, at most `limit`.
    func changes(after sequence: Int64, limit: Int) async throws -> [Change]

    /// The sequence number of the latest change, 0 when there is none: where a reader that
    /// wants only what comes next starts, and what "the most recent changes" count back from.
    func latestChangeSequence() async throws -> Int64

    func statistics() async throws -> IndexStatistics

    /// Records the configured extra attributes, forgets the values of attributes no longer
    /// configured, and returns the configured ones not yet filled for the entities stored
    /// before they were named.
    func prepareExtraAttributes(_ attributes: [IndexedAttribute]) async throws -> [IndexedAttribute]

    /// Entities at the attribute's level after primary key `after`, in key order, each with the
    /// metadata of the instance that created it (the first stored): what filling reads.
    func extraAttributeSources(_ attribute: IndexedAttribute, after: Int, limit: Int) async throws
        -> [ExtraAttributeSource]

    /// Stores values of an attribute by entity, keeping any value already there; `complete`
    /// marks the attribute filled.
    func fillExtraAttribute(_ attribute: IndexedAttribute, values: [Int: String], complete: Bool) async throws

    /// Closes connections; nothing may be called afterwards.
    func close() async throws
}

extension IndexStore {
    public func register(_ registration: InstanceRegistration) async throws -> RegistrationOutcome {
        let outcomes = try await register([registration])
        guard let outcome = outcomes.first else { throw IndexStoreError.missingOutcome }
        return outcome
    }
}

/// An entity whose extra attribute is to be filled, and the metadata it is filled from.
public struct ExtraAttributeSource: Sendable, Hashable {
    /// The entity's primary key in the index.
    public var entity: Int
    public var metadata: InstanceMetadata

    public init(entity: Int, metadata: InstanceMetadata) {
        self.entity = entity
        self.metadata = metadata
    }
}

/// Totals over the whole index.
public struct IndexStatistics: Sendable, Hashable {
    public var patients: Int
    public var studies: Int
    public var series: Int
    public var instances: Int
    /// Bytes of all blobs the instances reference.
    public var size: Int

    public init(patients: Int, studies: Int, series: Int, instances: Int, size: Int) {
        self.patients = patients
        self.studies = studies
        self.series = series
        self.instances = instances
        self.size = size
    }
}

/// Failures of an `IndexStore` that are not the database's own errors.
public enum IndexStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The store answered a registration with no outcome (an implementation bug).
    case missingOutcome
    /// The database holds a value that breaks an invariant, such as an unparsable blob key.
    case corrupt(String)
    /// The schema is newer than this build knows.
    case unsupportedSchemaVersion(Int)

    public var description: String {
        switch self {
        case .missingOutcome: "the index returned no outcome for a registration"
        case .corrupt(let detail): "index inconsistent: \(detail)"
        case .unsupportedSchemaVersion(let version): "index schema version \(version) is newer than this build"
        }
    }
}
