import Archive
import DICOM
import Foundation
import Hummingbird

/// The JSON bodies `/modalities/{name}/…` take, in Orthanc's shapes.
enum ModalityRequests {
    /// JSON bodies are small; a larger one is refused before it is read whole.
    static let maximumBodySize = 1 << 20

    static func object(_ request: Request, allowEmpty: Bool = false) async throws -> Any? {
        let body = try await request.body.collect(upTo: maximumBodySize)
        if body.readableBytes == 0 {
            guard allowEmpty else { throw HTTPError(.badRequest, message: "the request needs a JSON body") }
            return nil
        }
        do {
            return try JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed])
        } catch {
            throw HTTPError(.badRequest, message: "the body is not JSON: \(error.localizedDescription)")
        }
    }

    /// `/store`: a UID, a list of them, or `{"Resources": [...]}`: study, series or SOP
    /// Instance UIDs.
    static func resources(_ body: Any?) throws -> [String] {
        let list: Any?
        if let object = body as? [String: Any] { list = object["Resources"] } else { list = body }
        let resources: [String]
        if let single = list as? String {
            resources = [single]
        } else if let many = list as? [Any], let strings = many as? [String] {
            resources = strings
        } else {
            throw HTTPError(
                .badRequest,
                message: "give the resources to send as a UID, a list of UIDs, or {\"Resources\": [UIDs]}")
        }
        guard !resources.isEmpty else { throw HTTPError(.badRequest, message: "no resources to send") }
        return resources
    }

    /// The level names Orthanc uses, and DICOM's.
    static func level(_ text: Any?) throws -> QueryLevel {
        switch (text as? String)?.lowercased() {
        case "patient": return .patient
        case "study", nil: return .study
        case "series": return .series
        case "instance", "image": return .image
        default: throw HTTPError(.badRequest, message: "Level must be Patient, Study, Series or Instance")
        }
    }

    /// A C-FIND or C-MOVE identifier: QueryRetrieveLevel and one element per key (keyword or
    /// `ggggeeee`), an empty value asking for the attribute back.
    static func identifier(level: QueryLevel, keys: [String: Any]) throws -> DataSet {
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
                throw HTTPError(.badRequest, message: "'\(name)' is neither a DICOM keyword nor a tag")
            }
            guard let text = value as? String else {
                throw HTTPError(.badRequest, message: "the value of \(name) must be a string")
            }
            if !text.allSatisfy(\.isASCII) { nonASCII = true }
            identifier.set(tag, string: text)
        }
        // Values go in UTF-8, as `apus find` sends them.
        if nonASCII { identifier.set(.specificCharacterSet, vr: .CS, string: "ISO_IR 192") }
        return identifier
    }

    /// The instances under each UID, whichever level it names; 404 for one that names nothing.
    static func instances(of uids: [String], in archive: Archive) async throws -> [StoredInstance] {
        var seen = Set<String>()
        var instances: [StoredInstance] = []
        for uid in uids {
            if ResourceID(uid) != nil {
                throw HTTPError(
                    .badRequest,
                    message: "'\(uid)' is a resource id; /store takes StudyInstanceUID, SeriesInstanceUID or "
                        + "SOPInstanceUID values until ids resolve here")
            }
            guard RetrieveTarget.isUID(uid) else {
                throw HTTPError(.badRequest, message: "'\(uid)' is not a UID (digits and dots, at most 64 characters)")
            }
            var found: [StoredInstance] = []
            for (level, tag) in [(QueryLevel.study, Tag.studyInstanceUID), (.series, .seriesInstanceUID)] {
                var identifier = DataSet()
                identifier.set(.queryRetrieveLevel, vr: .CS, string: level.rawValue)
                identifier.set(tag, vr: .UI, string: uid)
                for try await instance in archive.instances(
                    matching: try archive.query(identifier: identifier, model: .studyRoot))
                {
                    found.append(instance)
                }
                if !found.isEmpty { break }
            }
            if found.isEmpty, let instance = try await archive.index.instance(sopInstanceUID: uid) {
                found = [instance]
            }
            guard !found.isEmpty else {
                throw HTTPError(.notFound, message: "no study, series or instance has the UID \(uid)")
            }
            for instance in found where seen.insert(instance.sopInstanceUID).inserted { instances.append(instance) }
        }
        return instances
    }
}
