import Archive
import DICOM
import Foundation
import Hummingbird
import NIOCore

extension HTTPAPI {
    /// `POST /tools/find` and `POST /tools/lookup`.
    func addRESTToolRoutes(to router: Router<Context>, resources: RESTResources) {
        router.post("tools/find") { request, _ in
            let body = try await request.body.collect(upTo: Self.maximumToolBody)
            guard let json = RESTJSON.parse(body), case .object = json else {
                throw RESTError.badRequest("the body must contain a JSON object")
            }
            return try await find(RESTFind(json), resources: resources)
        }
        router.post("tools/lookup") { request, _ in
            let body = try await request.body.collect(upTo: Self.maximumToolBody)
            let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw RESTError.badRequest("the body must hold a UID or a Patient ID") }
            return try await lookup(text).response()
        }
    }

    static let maximumToolBody = 1 << 20

    /// The entities matching a `/tools/find` request, through the same query engine (and so
    /// the same matching) as C-FIND and QIDO-RS, capped at `maximumQueryResults`.
    private func find(_ find: RESTFind, resources: RESTResources) async throws -> Response {
        let identifier: DataSet
        do {
            identifier = try QIDORequest.identifier(
                level: find.level.queryLevel, matches: find.query, returnKeys: [.issuerOfPatientID])
        } catch {
            throw RESTError.badRequest("Query: \(error)")
        }
        var query: ArchiveQuery
        do {
            query = try archive.query(identifier: identifier, model: .patientRoot)
        } catch {
            throw RESTError.badRequest("Query: \(error)")
        }
        query.caseInsensitivePersonNames = !find.caseSensitive
        query.offset = find.since
        let maximum = archive.configuration.maximumQueryResults
        query.limit = min(find.limit ?? maximum, maximum)
        var items: [RESTJSON] = []
        for try await row in archive.index.query(query) {
            guard let id = RESTResources.id(of: row, at: find.level.queryLevel) else { continue }
            if find.expand {
                guard let resource = try await archive.index.resource(id, at: find.level.queryLevel) else { continue }
                items.append(try await resources.describe(resource))
            } else {
                items.append(.string(id.description))
            }
        }
        return RESTJSON.array(items).response()
    }

    /// `POST /tools/lookup`: every entity whose unique key is the text (a Patient ID, or a
    /// Study, Series or SOP Instance UID), as `{"ID", "Path", "Type"}`.
    private func lookup(_ text: String) async throws -> RESTJSON {
        var found: [RESTJSON] = []
        for level in RESTLevel.allCases {
            let tag = AttributeCatalog.uniqueKey(of: level.queryLevel)
            guard let match = RESTResources.exactly(tag, text) else { continue }
            let query = ArchiveQuery(
                model: .patientRoot, level: level.queryLevel, matches: [match], returnKeys: [.issuerOfPatientID],
                limit: archive.configuration.maximumQueryResults)
            for try await row in archive.index.query(query) {
                guard let id = RESTResources.id(of: row, at: level.queryLevel) else { continue }
                found.append(
                    .object([
                        "ID": .string(id.description), "Path": .string(level.path(id)), "Type": .string(level.typeName),
                    ]))
            }
        }
        return .array(found)
    }
}

/// The members of a `/tools/find` body: `Level` and `Query` (keyword or tag to value, with
/// DICOM wild cards, ranges and lists), `Expand`, `Since`, `Limit` and `CaseSensitive` (true
/// by default, as in Orthanc; false folds the case of person names).
struct RESTFind {
    var level: RESTLevel
    var query: [(Tag, String)] = []
    var expand = false
    var since = 0
    var limit: Int?
    var caseSensitive = true

    init(_ json: RESTJSON) throws {
        guard let name = json["Level"]?.string else {
            throw RESTError.badRequest("Level is required: Patient, Study, Series or Instance")
        }
        guard let level = RESTLevel(typeName: name) else {
            throw RESTError.badRequest("Level '\(name)' is not one of Patient, Study, Series, Instance")
        }
        self.level = level
        guard case .object(let keys)? = json["Query"] else {
            throw RESTError.badRequest("Query is required: an object of attribute names and values")
        }
        for (key, value) in keys.sorted(by: { $0.key < $1.key }) {
            guard let text = value.string else {
                throw RESTError.badRequest("Query: the value of \(key) must be a string")
            }
            query.append((try Self.tag(key), text))
        }
        expand = try Self.bool(json["Expand"], "Expand") ?? false
        caseSensitive = try Self.bool(json["CaseSensitive"], "CaseSensitive") ?? true
        since = try Self.count(json["Since"], "Since") ?? 0
        limit = try Self.count(json["Limit"], "Limit")
        // Orthanc's Limit 0 means no limit.
        if limit == 0 { limit = nil }
    }

    /// A keyword (`PatientName`), `0010,0010` or `00100010`.
    static func tag(_ key: String) throws -> Tag {
        let hex = key.filter { $0 != "," }
        if hex.count == 8, key.count == 8 || key.count == 9, let tag = Tag(hexString: hex) { return tag }
        if let entry = DataDictionary.entry(forKeyword: key), !entry.keyword.isEmpty { return entry.tag }
        throw RESTError.badRequest("Query: '\(key)' is neither a DICOM keyword nor a tag")
    }

    private static func bool(_ value: RESTJSON?, _ name: String) throws -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw RESTError.badRequest("\(name) must be true or false")
        }
    }

    private static func count(_ value: RESTJSON?, _ name: String) throws -> Int? {
        switch value {
        case nil, .null?: return nil
        case .int(let number)? where number >= 0: return number
        default: throw RESTError.badRequest("\(name) must be a non-negative integer")
        }
    }
}
