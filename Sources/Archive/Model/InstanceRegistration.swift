public import DICOM

/// What happens when an instance arrives whose SOP Instance UID the archive already has.
/// Never a second row: either the first copy stays or the new one replaces it.
public enum DuplicatePolicy: String, Sendable, Hashable {
    /// Keep what is stored, report the new copy as a duplicate (C-STORE: success with a
    /// warning), and drop its blob.
    case keep
    /// Replace the stored copy's blob, transfer syntax, instance attributes and metadata.
    case overwrite
}

/// What the index records for one instance, built by the ingest pipeline after its blob is
/// durable.
public struct InstanceRegistration: Sendable, Hashable {
    public var patient: PatientIdentity
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var sopInstanceUID: String
    public var sopClassUID: String
    /// Values of the catalog's attributes (`AttributeCatalog`), by tag, non-empty ones only.
    public var values: [Tag: String]
    /// Values of the configured extra attributes (`ExtraAttributes`), non-empty ones only.
    public var extraValues: [IndexedAttribute: String]
    public var transferSyntaxUID: String
    public var blobKey: BlobKey
    /// Size of the blob in bytes.
    public var size: Int
    public var metadata: InstanceMetadata
    public var policy: DuplicatePolicy

    public init(
        patient: PatientIdentity, studyInstanceUID: String, seriesInstanceUID: String, sopInstanceUID: String,
        sopClassUID: String, values: [Tag: String], transferSyntaxUID: String, blobKey: BlobKey, size: Int,
        metadata: InstanceMetadata, policy: DuplicatePolicy, extraValues: [IndexedAttribute: String] = [:]
    ) {
        self.patient = patient
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopInstanceUID = sopInstanceUID
        self.sopClassUID = sopClassUID
        self.values = values
        self.extraValues = extraValues
        self.transferSyntaxUID = transferSyntaxUID
        self.blobKey = blobKey
        self.size = size
        self.metadata = metadata
        self.policy = policy
    }

    /// The instance as the index will describe it once registered.
    public var storedInstance: StoredInstance {
        StoredInstance(
            studyInstanceUID: studyInstanceUID, seriesInstanceUID: seriesInstanceUID, sopInstanceUID: sopInstanceUID,
            sopClassUID: sopClassUID, transferSyntaxUID: transferSyntaxUID, blobKey: blobKey, size: size)
    }
}

/// An instance as the index knows it: where its blob is and what retrieve needs to send it.
public struct StoredInstance: Sendable, Hashable {
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var sopInstanceUID: String
    public var sopClassUID: String
    public var transferSyntaxUID: String
    public var blobKey: BlobKey
    public var size: Int

    public init(
        studyInstanceUID: String, seriesInstanceUID: String, sopInstanceUID: String, sopClassUID: String,
        transferSyntaxUID: String, blobKey: BlobKey, size: Int
    ) {
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopInstanceUID = sopInstanceUID
        self.sopClassUID = sopClassUID
        self.transferSyntaxUID = transferSyntaxUID
        self.blobKey = blobKey
        self.size = size
    }
}
