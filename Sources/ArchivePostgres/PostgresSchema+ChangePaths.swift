/// Version 5: each change keeps its resource's path (patient, study, series), so that the
/// REST change feed can name a resource by its id after the resource is deleted. Rows
/// written before get theirs from the index where the resource still exists; rows that
/// replicas of the previous release write meanwhile have none (their feed entries carry no id).
extension PostgresSchema {
    static let changePaths: [String] = [
        """
        ALTER TABLE changes ADD COLUMN patient_id text, ADD COLUMN patient_issuer text,
            ADD COLUMN study_uid text, ADD COLUMN series_uid text
        """,
        "UPDATE changes SET patient_id = uid, patient_issuer = coalesce(issuer, '') WHERE level = 'PATIENT'",
        """
        UPDATE changes c SET patient_id = p.patientid, patient_issuer = p.issuerofpatientid,
            study_uid = st.studyinstanceuid
        FROM studies st JOIN patients p ON p.pk = st.patient_pk
        WHERE c.level = 'STUDY' AND st.studyinstanceuid = c.uid
        """,
        """
        UPDATE changes c SET patient_id = p.patientid, patient_issuer = p.issuerofpatientid,
            study_uid = st.studyinstanceuid, series_uid = se.seriesinstanceuid
        FROM series se JOIN studies st ON st.pk = se.study_pk JOIN patients p ON p.pk = st.patient_pk
        WHERE c.level = 'SERIES' AND se.seriesinstanceuid = c.uid
        """,
        """
        UPDATE changes c SET patient_id = p.patientid, patient_issuer = p.issuerofpatientid,
            study_uid = st.studyinstanceuid, series_uid = se.seriesinstanceuid
        FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk
            JOIN patients p ON p.pk = st.patient_pk
        WHERE c.level = 'IMAGE' AND i.sopinstanceuid = c.uid
        """,
    ]
}
