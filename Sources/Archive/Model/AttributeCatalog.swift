public import DICOM

/// The attributes the index keeps, by level: the keys PS3.4 C.6.1.1 and C.6.2.1 list as
/// required (R) or unique (U) for each level, the optional ones QIDO-RS returns by default
/// (PS3.18 Table 10.6.3-3..5), and a few more that viewers filter on. Changing this list
/// means a schema migration in every `IndexStore`.
public enum AttributeCatalog {
    public static let all: [IndexedAttribute] = [
        // Patient (C.6.1.1.2)
        IndexedAttribute(.patientName, "PatientName", .patient, .personName),
        IndexedAttribute(.patientID, "PatientID", .patient, .text),
        IndexedAttribute(.issuerOfPatientID, "IssuerOfPatientID", .patient, .text),
        IndexedAttribute(.patientBirthDate, "PatientBirthDate", .patient, .date),
        IndexedAttribute(.patientSex, "PatientSex", .patient, .text),
        // Study (C.6.1.1.3)
        IndexedAttribute(.studyInstanceUID, "StudyInstanceUID", .study, .uid),
        IndexedAttribute(.studyDate, "StudyDate", .study, .date),
        IndexedAttribute(.studyTime, "StudyTime", .study, .time),
        IndexedAttribute(.accessionNumber, "AccessionNumber", .study, .text),
        IndexedAttribute(.studyID, "StudyID", .study, .text),
        IndexedAttribute(.referringPhysicianName, "ReferringPhysicianName", .study, .personName),
        IndexedAttribute(.studyDescription, "StudyDescription", .study, .text),
        IndexedAttribute(.patientAge, "PatientAge", .study, .text),
        // Series (C.6.1.1.4)
        IndexedAttribute(.seriesInstanceUID, "SeriesInstanceUID", .series, .uid),
        IndexedAttribute(.modality, "Modality", .series, .text),
        IndexedAttribute(.seriesNumber, "SeriesNumber", .series, .integer),
        IndexedAttribute(.seriesDescription, "SeriesDescription", .series, .text),
        IndexedAttribute(.bodyPartExamined, "BodyPartExamined", .series, .text),
        IndexedAttribute(.seriesDate, "SeriesDate", .series, .date),
        IndexedAttribute(.seriesTime, "SeriesTime", .series, .time),
        IndexedAttribute(.performedProcedureStepStartDate, "PerformedProcedureStepStartDate", .series, .date),
        IndexedAttribute(.performedProcedureStepStartTime, "PerformedProcedureStepStartTime", .series, .time),
        // Composite object instance (C.6.1.1.5)
        IndexedAttribute(.sopInstanceUID, "SOPInstanceUID", .image, .uid),
        IndexedAttribute(.sopClassUID, "SOPClassUID", .image, .uid),
        IndexedAttribute(.instanceNumber, "InstanceNumber", .image, .integer),
        IndexedAttribute(.rows, "Rows", .image, .integer),
        IndexedAttribute(.columns, "Columns", .image, .integer),
        IndexedAttribute(.numberOfFrames, "NumberOfFrames", .image, .integer),
        IndexedAttribute(.contentDate, "ContentDate", .image, .date),
        IndexedAttribute(.contentTime, "ContentTime", .image, .time),
        IndexedAttribute(.acquisitionDateTime, "AcquisitionDateTime", .image, .dateTime),
        // Filled from the transfer syntax the instance is stored in, not from its data set.
        IndexedAttribute(.availableTransferSyntaxUID, "AvailableTransferSyntaxUID", .image, .uid),
    ]

    private static let byTag: [Tag: IndexedAttribute] = Dictionary(
        all.map { ($0.tag, $0) }, uniquingKeysWith: { first, _ in first })

    public static func attribute(for tag: Tag) -> IndexedAttribute? { byTag[tag] }

    public static func attributes(at level: QueryLevel) -> [IndexedAttribute] {
        all.filter { $0.level == level }
    }

    /// The unique key of each level (PS3.4 C.6.1.1.1): Patient ID, Study, Series and SOP
    /// Instance UID.
    public static func uniqueKey(of level: QueryLevel) -> Tag {
        switch level {
        case .patient: .patientID
        case .study: .studyInstanceUID
        case .series: .seriesInstanceUID
        case .image: .sopInstanceUID
        }
    }
}
