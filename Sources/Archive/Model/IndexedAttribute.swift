public import DICOM

/// How a key attribute is matched (PS3.4 C.2.2.2), which follows from its VR.
public enum MatchingKind: Sendable, Hashable {
    /// Single value and wild card matching (AE, CS, LO, LT, SH, ST, UC, UR, UT).
    case text
    /// Like `text`, optionally insensitive to case (C.2.2.2.1 allows it for PN only).
    case personName
    /// Single value and list of UID matching; no wild cards (C.2.2.2.4 excludes UI).
    case uid
    /// Single value and range matching (C.2.2.2.5).
    case date
    case time
    case dateTime
    /// Single value matching of a number (IS, US, UL), which allows no wild cards either.
    case integer

    /// Dates, times, date-times and person names keep a second, normalised form beside the
    /// value as received: the one ranges and case-insensitive matches compare.
    public var hasMatchKey: Bool {
        switch self {
        case .personName, .date, .time, .dateTime: true
        case .text, .uid, .integer: false
        }
    }
}

/// An attribute the index keeps for one level of the hierarchy, so that queries match and
/// return it without opening files.
public struct IndexedAttribute: Sendable, Hashable {
    public let tag: Tag
    /// The dictionary keyword, which storage adapters use to name the column.
    public let keyword: String
    public let level: QueryLevel
    public let kind: MatchingKind

    public init(_ tag: Tag, _ keyword: String, _ level: QueryLevel, _ kind: MatchingKind) {
        self.tag = tag
        self.keyword = keyword
        self.level = level
        self.kind = kind
    }
}

/// Attributes the index derives rather than stores (PS3.4 C.3.4 and C.6.1.1.x): counts of
/// the entities below, and the modalities and SOP classes a study holds.
public enum ComputedAttribute: String, Sendable, Hashable, CaseIterable {
    case numberOfPatientRelatedStudies
    case numberOfPatientRelatedSeries
    case numberOfPatientRelatedInstances
    case numberOfStudyRelatedSeries
    case numberOfStudyRelatedInstances
    case modalitiesInStudy
    case sopClassesInStudy
    case numberOfSeriesRelatedInstances

    public var tag: Tag {
        switch self {
        case .numberOfPatientRelatedStudies: .numberOfPatientRelatedStudies
        case .numberOfPatientRelatedSeries: .numberOfPatientRelatedSeries
        case .numberOfPatientRelatedInstances: .numberOfPatientRelatedInstances
        case .numberOfStudyRelatedSeries: .numberOfStudyRelatedSeries
        case .numberOfStudyRelatedInstances: .numberOfStudyRelatedInstances
        case .modalitiesInStudy: .modalitiesInStudy
        case .sopClassesInStudy: .sopClassesInStudy
        case .numberOfSeriesRelatedInstances: .numberOfSeriesRelatedInstances
        }
    }

    /// The level whose entities it describes.
    public var level: QueryLevel {
        switch self {
        case .numberOfPatientRelatedStudies, .numberOfPatientRelatedSeries, .numberOfPatientRelatedInstances:
            .patient
        case .numberOfStudyRelatedSeries, .numberOfStudyRelatedInstances, .modalitiesInStudy, .sopClassesInStudy:
            .study
        case .numberOfSeriesRelatedInstances:
            .series
        }
    }

    /// For the two lists, the descendant attribute a key value is matched against: a study
    /// matches ModalitiesInStudy `CT` when one of its series has Modality `CT`.
    public var matchedDescendant: IndexedAttribute? {
        switch self {
        case .modalitiesInStudy: AttributeCatalog.attribute(for: .modality)
        case .sopClassesInStudy: AttributeCatalog.attribute(for: .sopClassUID)
        default: nil
        }
    }

    public init?(tag: Tag) {
        guard let match = ComputedAttribute.allCases.first(where: { $0.tag == tag }) else { return nil }
        self = match
    }
}
