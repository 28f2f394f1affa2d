import Archive
import DICOM

extension RESTResources {
    /// The instances `/modalities/{name}/store` sends, in the order given and each once: for an
    /// Orthanc id, everything under that patient, study, series or instance; for a UID, under
    /// the study, series or SOP instance it names. 404 for one that names nothing.
    func instancesToSend(_ resources: [String]) async throws -> [StoredInstance] {
        var seen = Set<String>()
        var toSend: [StoredInstance] = []
        for text in resources {
            let found: [StoredInstance]
            if let id = ResourceID(text) {
                found = try await instances(underID: id)
            } else if RetrieveTarget.isUID(text) {
                found = try await instances(underUID: text)
            } else {
                throw RESTError.badRequest(
                    "'\(text)' is neither a resource id nor a UID (digits and dots, at most 64 characters)")
            }
            guard !found.isEmpty else {
                throw RESTError.notFound("no patient, study, series or instance has the id or UID \(text)")
            }
            for instance in found where seen.insert(instance.sopInstanceUID).inserted { toSend.append(instance) }
        }
        return toSend
    }

    /// The entity an id names, whatever its level: ids of different levels hash different
    /// numbers of keys, so at most one level has it.
    func resource(anyLevel id: ResourceID) async throws -> IndexedResource? {
        for level in [QueryLevel.study, .series, .image, .patient] {
            if let found = try await archive.index.resource(id, at: level) { return found }
        }
        return nil
    }

    private func instances(underID id: ResourceID) async throws -> [StoredInstance] {
        guard let resource = try await resource(anyLevel: id) else { return [] }
        var found: [StoredInstance] = []
        let query = Self.query(.instances, under: resource)
        for try await instance in archive.index.instances(matching: query) { found.append(instance) }
        return found
    }

    private func instances(underUID uid: String) async throws -> [StoredInstance] {
        var found: [StoredInstance] = []
        for (level, tag) in [(QueryLevel.study, Tag.studyInstanceUID), (.series, .seriesInstanceUID)] {
            var identifier = DataSet()
            identifier.set(.queryRetrieveLevel, vr: .CS, string: level.rawValue)
            identifier.set(tag, vr: .UI, string: uid)
            let query = try archive.query(identifier: identifier, model: .studyRoot)
            for try await instance in archive.instances(matching: query) { found.append(instance) }
            if !found.isEmpty { return found }
        }
        return try await archive.index.instance(sopInstanceUID: uid).map { [$0] } ?? []
    }
}
