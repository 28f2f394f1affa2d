import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `/metrics` of the real `apus serve`: the Prometheus text the ServiceMonitor in deploy/
/// scrapes, with the counters the Grafana dashboard reads moving as the archive works.
@Suite struct MetricsEndToEndTests {
    @Test func metricsCountStoresRequestsAndAssociations() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apus-metrics-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ServerProcess(dataDirectory: directory)
        defer { server.terminate() }
        let ports = try await server.waitForPorts()

        let files = try ["CT_small.dcm", "MR_small.dcm"].map(Pydicom.corpusFile)
        let store = try await Tools.runDetached(
            "/usr/bin/storescu", ["-aec", "APUS", "127.0.0.1", String(ports.dicom)] + files)
        #expect(store.status == 0, "storescu: \(store.output)")
        let health = try await get("http://127.0.0.1:\(ports.http)/healthz")
        #expect(health.status == 200)

        let metrics = try await get("http://127.0.0.1:\(ports.http)/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.contentType.hasPrefix("text/plain"))
        let samples = Self.samples(metrics.body)
        #expect(samples["apus_instances_stored_total"] == 2)
        let bytes = try files.reduce(0) {
            $0 + (try FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int ?? 0)
        }
        // The blobs are Part 10 files rebuilt around the received data sets: about the sources' size.
        #expect(abs((samples["apus_bytes_stored_total"] ?? 0) - Double(bytes)) < Double(bytes) / 10)
        #expect(samples["apus_dicom_associations_open"] == 0)
        #expect(samples[#"apus_http_requests_total{route="/healthz",method="GET",status="200"}"#] == 1)
        #expect(metrics.body.contains("apus_http_request_duration_seconds_bucket"))
    }

    private func get(_ url: String) async throws -> (status: UInt, contentType: String, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (response.status.code, response.headers.first(name: "Content-Type") ?? "", String(buffer: body))
    }

    /// `name{labels} value` lines by their name-and-labels.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}
