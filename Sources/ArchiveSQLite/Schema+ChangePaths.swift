/// Version 4: each change keeps its resource's path (patient, study, series), so that the
/// REST change feed can name a resource by its id after the resource is deleted. Rows
/// written before get theirs from the index where the resource still exists.
extension Schema {
    static let changePaths: [String] = [
        "ALTER TABLE changes ADD COLUMN patient_id TEXT",
        "ALTER TABLE changes ADD COLUMN patient_issuer TEXT",
        "ALTER TABLE changes ADD COLUMN study_uid TEXT",
        "ALTER TABLE changes ADD COLUMN series_uid TEXT",
        """
        UPDATE changes SET patient_id = uid, patient_issuer = coalesce(issuer, '') WHERE level = 'PATIENT'
        """,
        """
        UPDATE changes SET patient_id = p.PatientID, patient_issuer = p.IssuerOfPatientID, study_uid = st.StudyInstanceUID
        FROM studies st JOIN patients p ON p.pk = st.patient_pk
        WHERE changes.level = 'STUDY' AND st.StudyInstanceUID = changes.uid
        """,
        """
        UPDATE changes SET patient_id = p.PatientID, patient_issuer = p.IssuerOfPatientID, study_uid = st.StudyInstanceUID,
            series_uid = se.SeriesInstanceUID
        FROM series se JOIN studies st ON st.pk = se.study_pk JOIN patients p ON p.pk = st.patient_pk
        WHERE changes.level = 'SERIES' AND se.SeriesInstanceUID = changes.uid
        """,
        """
        UPDATE changes SET patient_id = p.PatientID, patient_issuer = p.IssuerOfPatientID, study_uid = st.StudyInstanceUID,
            series_uid = se.SeriesInstanceUID
        FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk
            JOIN patients p ON p.pk = st.patient_pk
        WHERE changes.level = 'IMAGE' AND i.SOPInstanceUID = changes.uid
        """,
    ]
}
