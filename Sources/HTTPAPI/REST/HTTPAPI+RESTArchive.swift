import Archive
import Hummingbird

extension HTTPAPI {
    /// `GET /patients|studies|series/{id}/archive`: every instance under the entity as one
    /// ZIP archive in Orthanc's folder layout, streamed from the blob store (`zipArchiveResponse`).
    func addRESTArchiveRoutes(to router: Router<Context>, resources: RESTResources) {
        for level in RESTLevel.allCases where level != .instances {
            router.get(RouterPath("\(level.rawValue)/{id}/archive")) { _, context in
                let text = try context.parameters.require("id")
                let resource = try await resources.resource(text, level)
                let instances = archive.index.instances(matching: RESTResources.query(level, under: resource))
                return zipArchiveResponse(instances: instances, filename: "\(text).zip")
            }
        }
    }
}
