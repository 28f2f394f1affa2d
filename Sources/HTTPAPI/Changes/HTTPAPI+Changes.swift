import Archive
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPAPI {
    /// At most this many changes per page of `/changes` (Orthanc's default page is 100).
    static let maximumChangesPage = 10_000

    /// The change feed: `GET /changes` pages through it as Orthanc does, `GET /changes/stream`
    /// pushes it as Server-Sent Events. Both read the index's change table only, so every
    /// replica gives the same feed.
    func addChangeRoutes(to router: Router<Context>) {
        router.get("changes") { request, _ -> Response in
            // Orthanc's `?last`: only the latest change, where a new reader starts.
            if request.uri.queryParameters["last"] != nil {
                let latest = try await archive.index.latestChangeSequence()
                let changes = latest > 0 ? try await archive.index.changes(after: latest - 1, limit: 1) : []
                return try Self.json(ChangesPage(changes: changes.map(ChangeEntry.init), done: true, last: latest))
            }
            let since = try Self.sequence(request.uri.queryParameters["since"], name: "since") ?? 0
            let limit = try Self.limit(request.uri.queryParameters["limit"])
            // One more than asked tells whether the page reaches the end.
            let changes = try await archive.index.changes(after: since, limit: limit + 1)
            let page = changes.prefix(limit)
            let body = ChangesPage(
                changes: page.map(ChangeEntry.init), done: changes.count <= limit, last: page.last?.sequence ?? since)
            return try Self.json(body)
        }
        router.get("changes/stream") { request, _ -> Response in
            let parameter = try Self.sequence(request.uri.queryParameters["since"], name: "since")
            let resumed = try Self.sequence(request.headers[.lastEventID], name: "Last-Event-ID")
            let stream = ChangeStream(
                index: archive.index, after: resumed ?? parameter ?? 0,
                pollInterval: configuration.changePollInterval, logger: logger)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                    // Proxies (nginx) would otherwise buffer the stream.
                    .xAccelBuffering: "no",
                ],
                body: ResponseBody { writer in try await stream.write(to: &writer) })
        }
    }

    static func sequence(_ text: Substring?, name: String) throws -> Int64? {
        try sequence(text.map(String.init), name: name)
    }

    static func sequence(_ text: String?, name: String) throws -> Int64? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int64(text), value >= 0 else {
            throw HTTPError(.badRequest, message: "\(name) must be a change sequence number (0 or more): '\(text)'")
        }
        return value
    }

    static func limit(_ text: Substring?) throws -> Int {
        guard let text, !text.isEmpty else { return 100 }
        guard let value = Int(text), value > 0 else {
            throw HTTPError(.badRequest, message: "limit must be a positive number: '\(text)'")
        }
        return min(value, maximumChangesPage)
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID") ?? .via
    static let xAccelBuffering = HTTPField.Name("X-Accel-Buffering") ?? .via
}
