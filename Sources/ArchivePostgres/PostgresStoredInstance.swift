import Archive
import PostgresNIO

/// The columns that make a `StoredInstance`, and their decoding.
enum PostgresStoredInstance {
    static let columns = """
        i.pk, i.sopinstanceuid, i.sopclassuid, i.availabletransfersyntaxuid, i.blob_key, i.size,
        se.seriesinstanceuid, st.studyinstanceuid
        """

    static func decode(_ row: PostgresRow) throws -> (pk: Int, instance: StoredInstance) {
        let (pk, sop, sopClass, syntax, keyText, size, series, study) = try row.decode(
            (Int, String, String, String, String, Int, String, String).self)
        guard let key = BlobKey(keyText) else { throw IndexStoreError.corrupt("invalid blob key '\(keyText)'") }
        return (
            pk,
            StoredInstance(
                studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: sop, sopClassUID: sopClass,
                transferSyntaxUID: syntax, blobKey: key, size: size)
        )
    }
}
