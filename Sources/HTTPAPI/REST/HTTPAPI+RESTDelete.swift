import Archive
import Hummingbird
import Logging

extension HTTPAPI {
    /// `DELETE /studies/{id}` (any level): the entity, everything below it and the ancestors it
    /// leaves empty go, index rows first, then their files; the change feed records each. The
    /// answer names the closest ancestor still there, as Orthanc's does.
    func deleteResource(_ text: String, _ level: RESTLevel, resources: RESTResources) async throws -> Response {
        let resource = try await resources.resource(text, level)
        let removed = try await archive.delete(resource.selector)
        audit.notice(
            "deleted",
            metadata: [
                "level": "\(level.typeName)", "id": "\(resource.id()?.description ?? "-")",
                "resource": "\(resource.selector)", "instances": "\(removed)",
            ])
        var remaining = RESTJSON.null
        var above = resource.level.parent
        while let ancestor = above {
            if let id = resource.id(at: ancestor), try await archive.index.resource(id, at: ancestor) != nil {
                let kind = RESTLevel(ancestor)
                remaining = .object([
                    "ID": .string(id.description), "Path": .string(kind.path(id)), "Type": .string(kind.typeName),
                ])
                break
            }
            above = ancestor.parent
        }
        return RESTJSON.object(["RemainingAncestor": remaining]).response()
    }
}
