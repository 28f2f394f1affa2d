import Archive

/// The columns that make a `StoredInstance`, and their decoding.
enum StoredInstanceRow {
    static let columns = """
        i.pk, i.SOPInstanceUID, i.SOPClassUID, i.AvailableTransferSyntaxUID, i.blob_key, i.size,
        se.SeriesInstanceUID, st.StudyInstanceUID
        """

    static func decode(_ row: SQLiteRow) throws -> StoredInstance {
        guard let sop = row.column("SOPInstanceUID")?.string, let sopClass = row.column("SOPClassUID")?.string,
            let syntax = row.column("AvailableTransferSyntaxUID")?.string,
            let keyText = row.column("blob_key")?.string, let size = row.column("size")?.integer,
            let series = row.column("SeriesInstanceUID")?.string, let study = row.column("StudyInstanceUID")?.string
        else { throw SQLiteIndexError.internalInconsistency("incomplete instance row") }
        guard let key = BlobKey(keyText) else { throw IndexStoreError.corrupt("invalid blob key '\(keyText)'") }
        return StoredInstance(
            studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: sop, sopClassUID: sopClass,
            transferSyntaxUID: syntax, blobKey: key, size: size)
    }
}
