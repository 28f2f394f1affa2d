import Archive
import Hummingbird
import NIOCore

extension HTTPAPI {
    /// Orthanc's REST resources (`/patients`, `/studies`, `/series`, `/instances`, `/tools`),
    /// close enough that its users' scripts work: same ids, same JSON members.
    func addRESTRoutes(to router: Router<Context>) {
        let resources = RESTResources(archive: archive)
        for level in RESTLevel.allCases {
            router.get(RouterPath(level.rawValue)) { request, _ in
                try listResponse(level, request: request, resources: resources)
            }
            router.get(RouterPath("\(level.rawValue)/{id}")) { _, context in
                let resource = try await resources.resource(try context.parameters.require("id"), level)
                return try await resources.describe(resource).response()
            }
            router.delete(RouterPath("\(level.rawValue)/{id}")) { _, context in
                try await deleteResource(try context.parameters.require("id"), level, resources: resources)
            }
            // Descendants: /patients/{id}/studies|series|instances, /studies/{id}/series|instances…
            for below in RESTLevel.allCases where below.queryLevel > level.queryLevel {
                router.get(RouterPath("\(level.rawValue)/{id}/\(below.rawValue)")) { _, context in
                    let resource = try await resources.resource(try context.parameters.require("id"), level)
                    var items: [RESTJSON] = []
                    for id in try await resources.ids(below, under: resource) {
                        guard let child = try await archive.index.resource(id, at: below.queryLevel) else { continue }
                        items.append(try await resources.describe(child))
                    }
                    return RESTJSON.array(items).response()
                }
            }
            // Ancestors: /instances/{id}/series|study|patient, /series/{id}/study|patient…
            for above in RESTLevel.allCases where above.queryLevel < level.queryLevel {
                router.get(RouterPath("\(level.rawValue)/{id}/\(above.typeName.lowercased())")) { _, context in
                    let resource = try await resources.resource(try context.parameters.require("id"), level)
                    return try await resources.describe(try await resources.ancestor(above, of: resource)).response()
                }
            }
        }
        addRESTInstanceRoutes(to: router, resources: resources)
        addRESTToolRoutes(to: router, resources: resources)
        addRESTArchiveRoutes(to: router, resources: resources)
    }

    /// `GET /studies[?expand][&since=N&limit=N]`: the ids (or objects) of every entity of the
    /// level in the order they were stored, streamed as the index pages through them.
    private func listResponse(_ level: RESTLevel, request: Request, resources: RESTResources) throws -> Response {
        let parameters = request.uri.queryParameters
        let expand = Self.flag(parameters.get("expand"))
        let since = try Self.count(parameters.get("since"), name: "since") ?? 0
        let limit = try Self.count(parameters.get("limit"), name: "limit")
        let rows = archive.index.query(RESTResources.query(level, under: nil, offset: since, limit: limit))
        let index = archive.index
        let body = ResponseBody { writer in
            var separator = "[\n"
            for try await row in rows {
                guard let id = RESTResources.id(of: row, at: level.queryLevel) else { continue }
                let item: RESTJSON
                if expand {
                    // Deleted since the row was read: left out, as if listed a moment later.
                    guard let resource = try await index.resource(id, at: level.queryLevel) else { continue }
                    item = try await resources.describe(resource)
                } else {
                    item = .string(id.description)
                }
                var buffer = ByteBuffer(string: separator)
                var text = item.encoded()
                buffer.writeBuffer(&text)
                try await writer.write(buffer)
                separator = ",\n"
            }
            try await writer.write(ByteBuffer(string: separator == "[\n" ? "[]\n" : "]\n"))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    /// `?expand`, `?expand=true`: set unless `false` or `0`.
    static func flag(_ value: String?) -> Bool {
        guard let value else { return false }
        return value != "false" && value != "0"
    }

    /// A non-negative integer parameter (`since`, `limit`).
    static func count(_ value: String?, name: String) throws -> Int? {
        guard let value else { return nil }
        guard let number = Int(value), number >= 0 else {
            throw RESTError.badRequest("\(name) must be a non-negative integer, not '\(value)'")
        }
        return number
    }
}
