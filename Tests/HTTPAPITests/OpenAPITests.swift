import Archive
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// `/openapi.json`: valid OpenAPI 3 (openapi-spec-validator), and the same routes as the router.
@Suite struct OpenAPITests {
    /// Routes documented ahead of the code that serves them (none now).
    static let arriving: Set<String> = []

    @Test func documentMatchesTheRouter() async throws {
        try await withTemporaryArchive { archive in
            let api = HTTPAPI(archive: archive, logger: Logger(label: "test"))
            let registered = Set(
                api.router().routes.map { route in
                    "\(route.method.rawValue) " + route.path.description.replacingOccurrences(of: "**", with: "{path}")
                })
            try await Application(router: api.router()).test(.router) { client in
                let response = try await client.get("/openapi.json")
                #expect(response.status == .ok)
                let document = try #require(
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect(document["openapi"] as? String == "3.0.3")
                let paths = try #require(document["paths"] as? [String: [String: Any]])
                var documented = Set<String>()
                for (path, operations) in paths {
                    for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
                }
                let undocumented = registered.subtracting(documented)
                #expect(undocumented.isEmpty, "routes missing from /openapi.json: \(undocumented.sorted())")
                // /metrics is routed only when the process exports metrics (not in this test).
                let missing = documented.subtracting(registered).subtracting(Self.arriving).subtracting(["GET /metrics"]
                )
                #expect(missing.isEmpty, "documented but not routed: \(missing.sorted())")
                let arrived = Self.arriving.intersection(registered)
                #expect(arrived.isEmpty, "routed now, remove from OpenAPITests.arriving: \(arrived.sorted())")
            }
        }
    }

    @Test func documentIsValidOpenAPI() async throws {
        try await withTemporaryArchive { archive in
            let api = HTTPAPI(archive: archive, logger: Logger(label: "test"))
            try await Application(router: api.router()).test(.live) { client in
                let url = "http://127.0.0.1:\(try #require(client.port))/openapi.json"
                let result = try await PythonPeer.run("validate_openapi.py", [url], timeout: 120)
                #expect(result.status == 0, "\(result)")
                #expect(result.output.contains("valid:"), "\(result)")
            }
        }
    }
}
