import ApusServer
import Foundation
import Logging
import Testing

/// The secure defaults of `apus serve`'s HTTP side, as a deployment meets them.
@Suite struct AuthenticationSettingsTests {
    @Test func requiredAuthenticationWithNoWayToLogInStopsStartUp() async throws {
        var configuration = try ServerConfiguration.load(
            file: nil, environment: ["APUS_AUTHENTICATION": "required", "APUS_HTTP_PORT": "0", "APUS_DICOM_PORT": "0"])
        configuration.dataDirectory =
            FileManager.default.temporaryDirectory.appendingPathComponent("apus-auth-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
        let server = ApusServer(configuration: configuration, logger: Logger(label: "test"))
        await #expect {
            try await server.run()
        } throws: { error in
            let text = "\(error)"
            return text.contains("APUS_AUTHENTICATION") && text.contains("APUS_USERS_FILE")
        }
    }

    @Test func httpListensOnLoopbackUnlessCredentialsAreRequiredOrAHostIsGiven() throws {
        #expect(try ServerConfiguration.load(file: nil, environment: [:]).resolvedHTTPHost == "127.0.0.1")
        #expect(
            try ServerConfiguration.load(file: nil, environment: ["APUS_AUTHENTICATION": "required"]).resolvedHTTPHost
                == "0.0.0.0")
        #expect(
            try ServerConfiguration.load(file: nil, environment: ["APUS_HTTP_HOST": "10.0.0.5"]).resolvedHTTPHost
                == "10.0.0.5")
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(file: nil, environment: ["APUS_AUTHENTICATION": "maybe"])
        }
    }
}
