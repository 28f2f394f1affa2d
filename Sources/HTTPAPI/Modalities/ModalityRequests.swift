import Archive
import DICOM
import Foundation
import Hummingbird
import NIOCore

/// The JSON bodies `/modalities/{name}/…` take, in Orthanc's shapes.
enum ModalityRequests {
    /// JSON bodies are small; a larger one is refused before it is read whole.
    static let maximumBodySize = 1 << 20

    /// The body as JSON; a bare resource id (not quoted) counts as a JSON string of it, as in
    /// Orthanc, whose old clients send `/store` an id that way.
    static func json(_ request: Request) async throws -> RESTJSON {
        let body = try await request.body.collect(upTo: maximumBodySize)
        guard body.readableBytes > 0 else { throw RESTError.badRequest("the request needs a JSON body") }
        let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
        if ResourceID(text) != nil { return .string(text) }
        guard let json = RESTJSON.parse(body) else { throw RESTError.badRequest("the body is not JSON") }
        return json
    }

    /// A body that must be a JSON object.
    static func object(_ request: Request) async throws -> RESTJSON {
        let json = try await json(request)
        guard case .object = json else { throw RESTError.badRequest("the body must be a JSON object") }
        return json
    }

    /// `/store`: an id or UID, a list of them, or `{"Resources": [...]}` with Orthanc's
    /// options; each a patient, study, series or instance id, or a study, series or SOP
    /// Instance UID.
    static func resources(_ body: RESTJSON) throws -> [String] {
        if case .object = body {
            // Apus answers when the peer has; Orthanc's jobs (`Asynchronous`) are not kept.
            if body["Synchronous"] == .bool(false) || body["Asynchronous"] == .bool(true) {
                throw RESTError.badRequest("/store runs synchronously only: leave out Synchronous and Asynchronous")
            }
        }
        let list = body["Resources"] ?? body
        let resources: [String]
        switch list {
        case .string(let single):
            resources = [single]
        case .array(let items) where items.allSatisfy { $0.string != nil }:
            resources = items.compactMap(\.string)
        default:
            throw RESTError.badRequest(
                "give the resources to send as an id or UID, a list of them, or {\"Resources\": [...]}")
        }
        guard !resources.isEmpty else { throw RESTError.badRequest("no resources to send") }
        return resources.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The level names Orthanc uses, and DICOM's.
    static func level(_ json: RESTJSON?) throws -> QueryLevel {
        switch json?.string?.lowercased() {
        case "patient": return .patient
        case "study", nil: return .study
        case "series": return .series
        case "instance", "image": return .image
        default: throw RESTError.badRequest("Level must be Patient, Study, Series or Instance")
        }
    }

    /// A C-FIND or C-MOVE identifier: QueryRetrieveLevel and one element per key (keyword or
    /// `ggggeeee`), an empty value asking for the attribute back.
    static func identifier(level: QueryLevel, keys: [String: RESTJSON]) throws -> DataSet {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, vr: .CS, string: level.rawValue)
        var nonASCII = false
        for (name, value) in keys.sorted(by: { $0.key < $1.key }) {
            let tag: Tag
            if name.count == 8, let parsed = Tag(hexString: name) {
                tag = parsed
            } else if let entry = DataDictionary.entry(forKeyword: name), !entry.keyword.isEmpty {
                tag = entry.tag
            } else {
                throw RESTError.badRequest("'\(name)' is neither a DICOM keyword nor a tag")
            }
            guard let text = value.string else { throw RESTError.badRequest("the value of \(name) must be a string") }
            if !text.allSatisfy(\.isASCII) { nonASCII = true }
            identifier.set(tag, string: text)
        }
        // Values go in UTF-8, as `apus find` sends them.
        if nonASCII { identifier.set(.specificCharacterSet, vr: .CS, string: "ISO_IR 192") }
        return identifier
    }
}
