public import Logging

/// The archive: ingest, query, retrieve, deletion and housekeeping over one `IndexStore` and
/// one `BlobStore`. It holds no state of its own, so any number of processes sharing the
/// same stores act as one archive.
public struct Archive: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// What a second copy of a SOP Instance UID does.
        public var duplicatePolicy: DuplicatePolicy
        /// No query answers more than this many matches, whatever limit it asks for.
        public var maximumQueryResults: Int
        /// Person names match regardless of case (PS3.4 C.2.2.2.1 allows either).
        public var caseInsensitivePersonNames: Bool
        /// How instance metadata is kept in the index.
        public var metadataEncoding: InstanceMetadata.Encoding
        /// Binary values longer than this are left out of the metadata as bulk data.
        public var bulkDataThreshold: Int
        /// Blobs younger than this (seconds) are never swept as orphans: they may belong to
        /// a store in progress, here or in another replica.
        public var orphanGracePeriod: Double
        /// Attributes indexed beyond the catalog (`ExtraAttributes`).
        public var extraAttributes: [IndexedAttribute]

        public init(
            duplicatePolicy: DuplicatePolicy = .keep, maximumQueryResults: Int = 10_000,
            caseInsensitivePersonNames: Bool = true, metadataEncoding: InstanceMetadata.Encoding = .deflatedJSON,
            bulkDataThreshold: Int = 1024, orphanGracePeriod: Double = 3600, extraAttributes: [IndexedAttribute] = []
        ) {
            self.duplicatePolicy = duplicatePolicy
            self.maximumQueryResults = maximumQueryResults
            self.caseInsensitivePersonNames = caseInsensitivePersonNames
            self.metadataEncoding = metadataEncoding
            self.bulkDataThreshold = bulkDataThreshold
            self.orphanGracePeriod = orphanGracePeriod
            self.extraAttributes = extraAttributes
        }
    }

    public let index: any IndexStore
    public let blobs: any BlobStore
    public let configuration: Configuration
    public let logger: Logger
    /// Made here, after `apus serve` bootstrapped the metrics system, and kept.
    let ingestMetrics = IngestMetrics()

    public init(
        index: any IndexStore, blobs: any BlobStore, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "apus.archive")
    ) {
        self.index = index
        self.blobs = blobs
        self.configuration = configuration
        self.logger = logger
    }
}
