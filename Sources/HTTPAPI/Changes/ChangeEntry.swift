import Archive
import Foundation

/// One change as Orthanc's `/changes` gives it, so that scripts written for Orthanc (a
/// forwarder polling `since`) work unchanged.
struct ChangeEntry: Codable, Sendable, Equatable {
    var seq: Int64
    /// `NewPatient`, `NewStudy`, `NewSeries`, `NewInstance` or `Deleted`. An instance replaced
    /// under the `overwrite` policy is a `NewInstance` again, as Orthanc reports a re-stored one.
    var changeType: String
    /// `Patient`, `Study`, `Series` or `Instance`.
    var resourceType: String
    /// The resource's REST id; nil only for a change recorded before the index kept paths
    /// whose resource was gone when it was upgraded.
    var id: String?
    /// `/patients/{id}`, … (which answers 404 once the resource is deleted).
    var path: String?
    /// When it was committed, `YYYYMMDDThhmmss` in UTC.
    var date: String

    enum CodingKeys: String, CodingKey {
        case seq = "Seq"
        case changeType = "ChangeType"
        case resourceType = "ResourceType"
        case id = "ID"
        case path = "Path"
        case date = "Date"
    }

    init(_ change: Change) {
        seq = change.sequence
        let level = change.resource.level
        switch change.kind {
        case .created, .updated: changeType = "New" + Self.resourceType(level)
        case .deleted: changeType = "Deleted"
        }
        resourceType = Self.resourceType(level)
        id = change.path?.id.description
        path = id.map { "/\(Self.collection(level))/\($0)" }
        date = Date(timeIntervalSince1970: change.time).formatted(Self.dateStyle)
    }

    static func resourceType(_ level: QueryLevel) -> String {
        switch level {
        case .patient: "Patient"
        case .study: "Study"
        case .series: "Series"
        case .image: "Instance"
        }
    }

    /// The REST collection a resource of `level` is under.
    static func collection(_ level: QueryLevel) -> String {
        switch level {
        case .patient: "patients"
        case .study: "studies"
        case .series: "series"
        case .image: "instances"
        }
    }

    private static let dateStyle = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()
        .dateSeparator(.omitted).time(includingFractionalSeconds: false).timeSeparator(.omitted)
}

/// `GET /changes`: a page of the feed. `Done` says whether the page reached the end; `Last`
/// is where to continue (`since=Last`).
struct ChangesPage: Codable, Sendable {
    var changes: [ChangeEntry]
    var done: Bool
    var last: Int64

    enum CodingKeys: String, CodingKey {
        case changes = "Changes"
        case done = "Done"
        case last = "Last"
    }
}
