/// The levels of the Query/Retrieve information models (PS3.4 C.6), from the top. The raw
/// value is the Query/Retrieve Level (0008,0052) that selects it.
public enum QueryLevel: String, Sendable, Hashable, CaseIterable, Comparable {
    case patient = "PATIENT"
    case study = "STUDY"
    case series = "SERIES"
    case image = "IMAGE"

    /// 0 for the top (patient), 3 for the bottom (image).
    public var depth: Int {
        switch self {
        case .patient: 0
        case .study: 1
        case .series: 2
        case .image: 3
        }
    }

    public static func < (lhs: QueryLevel, rhs: QueryLevel) -> Bool { lhs.depth < rhs.depth }

    /// This level and those above it, top first.
    public var selfAndAncestors: [QueryLevel] { QueryLevel.allCases.filter { $0 <= self } }
}

/// The Query/Retrieve information models (PS3.4 C.6.1, C.6.2). Both serve the same index; they
/// differ in the levels they have and in where the patient attributes are asked for.
public enum InformationModel: String, Sendable, Hashable {
    /// PATIENT, STUDY, SERIES, IMAGE (C.6.1).
    case patientRoot
    /// STUDY, SERIES, IMAGE, with the patient attributes at STUDY level (C.6.2).
    case studyRoot

    public var levels: [QueryLevel] {
        switch self {
        case .patientRoot: [.patient, .study, .series, .image]
        case .studyRoot: [.study, .series, .image]
        }
    }
}
