import Archive
import Crypto
import DICOM
import Foundation

/// Reads the archive as the REST API shows it: entities by id, their children and parents,
/// and the JSON object of each in Orthanc's shape. Everything comes from the index; the
/// main DICOM tags from the metadata of the first instance stored under an entity, as
/// Orthanc takes them from the instance that created it.
struct RESTResources: Sendable {
    let archive: Archive

    /// Orthanc's `StableAge` default: an entity is stable once nothing arrived under it for this long.
    static let stableAge: Double = 60

    /// The entity an id in a path names: 400 for text that is no id, 404 for an unknown one.
    func resource(_ text: String, _ level: RESTLevel) async throws -> IndexedResource {
        guard let id = ResourceID(text) else {
            throw RESTError.badRequest(
                "'\(text)' is not a resource id (five groups of eight lower-case hex digits, separated by dashes)")
        }
        guard let found = try await archive.index.resource(id, at: level.queryLevel) else {
            throw RESTError.notFound("no \(level.typeName.lowercased()) with id \(id)")
        }
        return found
    }

    /// The matching keys that select exactly this entity.
    static func matches(_ resource: IndexedResource) -> [KeyMatch] {
        var keys: [(Tag, String?)] = [
            (.patientID, resource.patient.patientID), (.issuerOfPatientID, resource.patient.issuer),
            (.studyInstanceUID, resource.studyInstanceUID), (.seriesInstanceUID, resource.seriesInstanceUID),
            (.sopInstanceUID, resource.sopInstanceUID),
        ]
        // A UID is unique at its level; the patient keys are needed for a patient only.
        if resource.level > .patient { keys.removeFirst(2) }
        return keys.compactMap { tag, value in value.flatMap { exactly(tag, $0) } }
    }

    /// A key that matches `value` as it is: single value matching, whatever wild card
    /// characters the value holds (a Patient ID may contain `*`).
    static func exactly(_ tag: Tag, _ value: String) -> KeyMatch? {
        AttributeCatalog.attribute(for: tag).map { KeyMatch(target: .attribute($0), rule: .single(value)) }
    }

    /// The query for the entities of `level` under `resource` (all of them for nil), in the
    /// order they were stored, returning what their ids are made of.
    static func query(_ level: RESTLevel, under resource: IndexedResource?, offset: Int = 0, limit: Int? = nil)
        -> ArchiveQuery
    {
        ArchiveQuery(
            model: .patientRoot, level: level.queryLevel, matches: resource.map(matches) ?? [],
            returnKeys: [.issuerOfPatientID], limit: limit, offset: offset)
    }

    /// The id of the entity an index row describes (a row of `query(_:under:)`).
    static func id(of row: IndexRow, at level: QueryLevel) -> ResourceID? {
        ResourceID.path(
            level: level,
            patient: PatientIdentity(
                patientID: row.values[.patientID] ?? "", issuer: row.values[.issuerOfPatientID] ?? ""),
            studyInstanceUID: row.values[.studyInstanceUID], seriesInstanceUID: row.values[.seriesInstanceUID],
            sopInstanceUID: row.values[.sopInstanceUID])
    }

    /// The ids of the entities of `level` under `resource`, in storage order (no cap: a
    /// series may hold more instances than a query may answer).
    func ids(_ level: RESTLevel, under resource: IndexedResource) async throws -> [ResourceID] {
        var ids: [ResourceID] = []
        for try await row in archive.index.query(Self.query(level, under: resource)) {
            if let id = Self.id(of: row, at: level.queryLevel) { ids.append(id) }
        }
        return ids
    }

    /// The parent of `level` above an entity.
    func ancestor(_ level: RESTLevel, of resource: IndexedResource) async throws -> IndexedResource {
        guard let id = resource.id(at: level.queryLevel),
            let found = try await archive.index.resource(id, at: level.queryLevel)
        else {
            throw RESTError.notFound("the \(level.typeName.lowercased()) of this resource is gone")
        }
        return found
    }

    /// The metadata of the first instance stored under the entity, as a data set.
    func firstInstanceDataSet(_ resource: IndexedResource) async throws -> DataSet? {
        let query = ArchiveQuery(
            model: .patientRoot, level: .image, matches: Self.matches(resource), limit: 1)
        for try await json in archive.metadata(matching: query) {
            return try? DICOMJSONDecoder().decode(json)
        }
        return nil
    }

    /// Orthanc's object for an entity (`GET /studies/{id}`, and each item of `?expand`).
    func describe(_ resource: IndexedResource) async throws -> RESTJSON {
        let level = RESTLevel(resource.level)
        guard let id = resource.id() else { throw RESTError.notFound("resource without keys") }
        let dataSet = try await firstInstanceDataSet(resource)
        var members: [String: RESTJSON] = [
            "ID": .string(id.description),
            "Type": .string(level.typeName),
            "MainDicomTags": OrthancTags.mainDicomTags(level, from: dataSet),
        ]
        if let parentLevel = resource.level.parent, let parent = resource.id(at: parentLevel) {
            members[RESTLevel(parentLevel).parentName] = .string(parent.description)
        }
        if let childLevel = resource.level.child {
            let child = RESTLevel(childLevel)
            members[child.childListName] = .array(try await ids(child, under: resource).map { .string($0.description) })
        }
        switch level {
        case .patients:
            break
        case .studies:
            members["PatientMainDicomTags"] = OrthancTags.mainDicomTags(.patients, from: dataSet)
        case .series:
            members["ExpectedNumberOfInstances"] = .null
            members["Status"] = .string("Unknown")
        case .instances:
            guard let uid = resource.sopInstanceUID, let stored = try await archive.index.instance(sopInstanceUID: uid)
            else { throw RESTError.notFound("instance \(id) is gone") }
            members["FileSize"] = .int(stored.size)
            members["FileUuid"] = .string(Self.fileUUID(stored.blobKey))
            let index = dataSet.flatMap { $0.int(.instanceNumber) ?? $0.int(Tag(0x0054, 0x1330)) }
            members["IndexInSeries"] = index.map { .int($0) } ?? .null
        }
        if level != .instances {
            members["IsStable"] = .bool(Date().timeIntervalSince1970 - resource.lastStored >= Self.stableAge)
            members["LastUpdate"] = .string(Self.isoBasic(resource.lastStored))
        }
        return .object(members)
    }

    /// Orthanc names the stored file by a UUID; Apus's is a blob key, shown in UUID form (a
    /// name-based hash of it), so that it changes when the file does.
    static func fileUUID(_ key: BlobKey) -> String {
        let hex = Array(SHA256.hash(data: Array(key.rawValue.utf8)).prefix(16)).map {
            String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
        }.joined()
        let characters = Array(hex)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }
        return groups.joined(separator: "-")
    }

    /// `20240131T235959`, in UTC, Orthanc's form of `LastUpdate`.
    static func isoBasic(_ seconds: Double) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        func two(_ value: Int?) -> String {
            let text = String(value ?? 0)
            return text.count < 2 ? "0" + text : text
        }
        return String(parts.year ?? 1970) + two(parts.month) + two(parts.day) + "T" + two(parts.hour)
            + two(parts.minute) + two(parts.second)
    }
}

extension QueryLevel {
    /// The level above, nil for the patient.
    var parent: QueryLevel? { QueryLevel.allCases.last { $0 < self } }

    /// The level below, nil for the instance.
    var child: QueryLevel? { QueryLevel.allCases.first { $0 > self } }
}
