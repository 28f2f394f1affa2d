public import NIOCore

/// The DICOM JSON (PS3.18 F.2) of an instance's data set, without bulk data, kept in the
/// index at ingest so that metadata requests never open blobs.
///
/// Stored deflated (raw RFC 1951) by default: DICOM JSON is repetitive text and shrinks
/// five- to tenfold, which matters for studies of thousands of instances. Bulk data
/// values (pixel data, and OB/OW/UN… values over `Archive.Configuration`'s threshold)
/// appear as `BulkDataURI`s of the form `apus-bulk:<path>`, which a DICOMweb layer rewrites
/// into its own URLs (see `InstanceMetadata.bulkDataScheme`).
public struct InstanceMetadata: Sendable, Hashable {
    public enum Encoding: Int, Sendable, Hashable {
        case json = 0
        case deflatedJSON = 1
    }

    /// The scheme of the placeholder bulk data URIs: `apus-bulk:7FE00010` for pixel data,
    /// `apus-bulk:00540016/0/00181072` (tag, item index, tag…) inside sequences.
    public static let bulkDataScheme = "apus-bulk:"

    public var encoding: Encoding
    public var bytes: ByteBuffer

    public init(encoding: Encoding, bytes: ByteBuffer) {
        self.encoding = encoding
        self.bytes = bytes
    }
}
