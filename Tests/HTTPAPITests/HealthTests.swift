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

@Suite struct SystemRouteTests {
    @Test func systemAndStatisticsAnswerInOrthancsShape() async throws {
        try await withTemporaryArchive { archive in
            let api = HTTPAPI(
                archive: archive,
                configuration: HTTPAPI.Configuration(
                    port: 8042, system: HTTPAPI.SystemDescription(aeTitle: "SITEA", dicomPort: 11112)),
                logger: Logger(label: "test"))
            let app = Application(router: api.router())
            try await app.test(.router) { client in
                try await client.execute(uri: "/system", method: .get) { response in
                    #expect(response.status == .ok)
                    let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    #expect(object?["DicomAet"] as? String == "SITEA")
                    #expect(object?["DicomPort"] as? Int == 11112)
                    #expect(object?["HttpPort"] as? Int == 8042)
                }
                try await client.execute(uri: "/statistics", method: .get) { response in
                    #expect(response.status == .ok)
                    let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    #expect(object?["CountInstances"] as? Int == 0)
                    #expect(object?["TotalDiskSize"] as? String == "0")
                }
            }
        }
    }
}
