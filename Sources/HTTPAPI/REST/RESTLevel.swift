import Archive
import DICOM

/// The four resource kinds of the REST API and their names: in paths (`/studies`), in the
/// `Type` member of answers (`Study`) and in `/tools/find` (`Study`, any case).
enum RESTLevel: String, Sendable, CaseIterable {
    case patients
    case studies
    case series
    case instances

    init(_ level: QueryLevel) {
        switch level {
        case .patient: self = .patients
        case .study: self = .studies
        case .series: self = .series
        case .image: self = .instances
        }
    }

    /// `Patient`, `Study`, `Series` or `Instance` (Orthanc's `ResourceType`), any case.
    init?(typeName: String) {
        guard let level = RESTLevel.allCases.first(where: { $0.typeName.lowercased() == typeName.lowercased() })
        else { return nil }
        self = level
    }

    var queryLevel: QueryLevel {
        switch self {
        case .patients: .patient
        case .studies: .study
        case .series: .series
        case .instances: .image
        }
    }

    var typeName: String {
        switch self {
        case .patients: "Patient"
        case .studies: "Study"
        case .series: "Series"
        case .instances: "Instance"
        }
    }

    /// The member of a parent's answer that lists its children of this level.
    var childListName: String {
        switch self {
        case .patients: "Patients"
        case .studies: "Studies"
        case .series: "Series"
        case .instances: "Instances"
        }
    }

    /// The member of a child's answer that names its parent of this level.
    var parentName: String { "Parent" + typeName }

    func path(_ id: ResourceID) -> String { "/\(rawValue)/\(id)" }
}
