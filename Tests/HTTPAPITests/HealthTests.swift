import Archive
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite struct HealthTests {
    @Test func livenessAndReadinessAnswerOnAnOpenArchive() async throws {
        try await withTemporaryArchive { archive in
            let api = HTTPAPI(archive: archive, logger: Logger(label: "test"))
            let app = Application(router: api.router())
            try await app.test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "ok\n")
                }
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .ok)
                }
            }
        }
    }
}
