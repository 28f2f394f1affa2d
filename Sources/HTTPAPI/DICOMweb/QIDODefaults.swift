import Archive
import DICOM

/// The attributes QIDO-RS returns without `includefield` (PS3.18 Tables 10.6.3-3, -4, -5), and
/// which of all attributes this archive can answer.
enum QIDODefaults {
    static let study: [Tag] = [
        .specificCharacterSet, .studyDate, .studyTime, .accessionNumber, .instanceAvailability, .modalitiesInStudy,
        .referringPhysicianName, .timezoneOffsetFromUTC, .retrieveURL, .patientName, .patientID,
        .patientBirthDate, .patientSex, .studyInstanceUID, .studyID, .numberOfStudyRelatedSeries,
        .numberOfStudyRelatedInstances,
    ]

    static let series: [Tag] = [
        .specificCharacterSet, .modality, .timezoneOffsetFromUTC, .seriesDescription, .retrieveURL,
        .seriesInstanceUID, .seriesNumber, .numberOfSeriesRelatedInstances, .performedProcedureStepStartDate,
        .performedProcedureStepStartTime, .requestAttributesSequence,
    ]

    static let instance: [Tag] = [
        .specificCharacterSet, .sopClassUID, .sopInstanceUID, .instanceAvailability, .timezoneOffsetFromUTC,
        .retrieveURL, .instanceNumber, .rows, .columns, .bitsAllocated, .numberOfFrames,
    ]

    /// The defaults of a query at `level`. A query not scoped to a study also returns the
    /// study's defaults, and one for instances not scoped to a series the series' defaults
    /// (the notes of Tables 10.6.3-4 and -5).
    static func returnKeys(level: QueryLevel, scopedToStudy: Bool, scopedToSeries: Bool) -> [Tag] {
        switch level {
        case .patient, .study: return study
        case .series: return (scopedToStudy ? [] : study) + series
        case .image: return (scopedToStudy ? [] : study) + (scopedToSeries ? [] : series) + instance
        }
    }

    /// Attributes answered by the DICOMweb layer itself rather than the index.
    static let synthesized: Set<Tag> = [.retrieveURL, .instanceAvailability, .specificCharacterSet]

    /// Whether the index can return `tag` for entities at `level`: it keeps the attribute (in
    /// the catalog or as a configured extra one) at this level or above, or computes it.
    static func isReturnable(_ tag: Tag, level: QueryLevel, extraAttributes: [IndexedAttribute] = []) -> Bool {
        if let attribute = AttributeCatalog.attribute(for: tag) ?? extraAttributes.first(where: { $0.tag == tag }) {
            return attribute.level <= level
        }
        if let computed = ComputedAttribute(tag: tag) { return computed.level <= level }
        return false
    }

    /// Whether the index can match `tag` for entities at `level`.
    static func isMatchable(_ tag: Tag, level: QueryLevel, extraAttributes: [IndexedAttribute] = []) -> Bool {
        if let attribute = AttributeCatalog.attribute(for: tag) ?? extraAttributes.first(where: { $0.tag == tag }) {
            return attribute.level <= level
        }
        if let computed = ComputedAttribute(tag: tag) {
            return computed.level <= level && computed.matchedDescendant != nil
        }
        return false
    }

    /// Everything the index can return at `level`, for `includefield=all`.
    static func all(level: QueryLevel, extraAttributes: [IndexedAttribute] = []) -> [Tag] {
        // Patient-level counts belong to the Patient Root model, which QIDO-RS does not have.
        (AttributeCatalog.all + extraAttributes).filter { $0.level <= level }.map(\.tag)
            + ComputedAttribute.allCases.filter { $0.level <= level && $0.level != .patient }.map(\.tag)
            + [.retrieveURL, .instanceAvailability]
    }
}
