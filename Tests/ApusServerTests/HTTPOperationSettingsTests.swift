import ApusServer
import Foundation
import Testing

/// CORS origins and HTTP limits, from the environment and the configuration file.
@Suite struct HTTPOperationSettingsTests {
    @Test func corsOriginsAndLimitsFromTheEnvironment() throws {
        let defaults = try ServerConfiguration.load(file: nil, environment: [:])
        #expect(defaults.corsOrigins.isEmpty)
        #expect(defaults.maximumRequestSize == nil)
        #expect(defaults.httpRequestTimeout == .seconds(3600))
        #expect(defaults.httpIdleTimeout == .seconds(120))
        let configured = try ServerConfiguration.load(
            file: nil,
            environment: [
                "APUS_CORS_ORIGINS": "https://viewer.example.org, http://localhost:3000",
                "APUS_MAX_REQUEST_SIZE": "1048576", "APUS_HTTP_REQUEST_TIMEOUT": "30", "APUS_HTTP_IDLE_TIMEOUT": "0",
            ])
        #expect(configured.corsOrigins == ["https://viewer.example.org", "http://localhost:3000"])
        #expect(configured.maximumRequestSize == 1_048_576)
        #expect(configured.httpRequestTimeout == .seconds(30))
        #expect(configured.httpIdleTimeout == nil)
        for (name, value) in [
            ("APUS_CORS_ORIGINS", "viewer.example.org"), ("APUS_MAX_REQUEST_SIZE", "lots"),
            ("APUS_HTTP_REQUEST_TIMEOUT", "-1"),
        ] {
            #expect(throws: ConfigurationError.self, "\(name)=\(value)") {
                try ServerConfiguration.load(file: nil, environment: [name: value])
            }
        }
    }

    @Test func corsOriginsFromTheFileAsAList() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("apus-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(#"{"corsOrigins": ["https://a.example", "https://b.example"], "httpRequestTimeout": 90}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        let configuration = try ServerConfiguration.load(file: path, environment: [:])
        #expect(configuration.corsOrigins == ["https://a.example", "https://b.example"])
        #expect(configuration.httpRequestTimeout == .seconds(90))
    }
}
