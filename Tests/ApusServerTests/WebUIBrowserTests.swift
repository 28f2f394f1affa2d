import Foundation
import Testing

/// Issue 8's check of the web UI: headless Chromium, driven by Selenium
/// (Peers/webui_browser.py), against the real `apus serve` holding generated CT and MR
/// studies stored with DCMTK's storescu. Screenshots go to .build/artifacts/webui.
@Suite("Web UI in a real browser")
struct WebUIBrowserTests {
    static let peers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers")
    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/artifacts/webui").path

    @Test func searchStudyViewerUploadAndStatus() async throws {
        let directory = try TemporaryDirectory()
        let fixtures = try await Self.makeFixtures(in: directory)
        // A DICOM peer for the status page's Echo button: DCMTK's storescp.
        let storescpPort = try FreePort.find()
        let storescp = try Tools.start(
            "/usr/bin/storescp", ["-aet", "STORESCP", "-od", directory.path, String(storescpPort)])
        defer { Tools.stop(storescp) }
        let server = try ServerProcess(
            dataDirectory: directory.path + "/data", environment: ["APUS_PEERS": "STORESCP@127.0.0.1:\(storescpPort)"])
        defer { server.terminate() }
        let ports = try await server.waitForPorts()
        server.discardOutput()
        try await Self.store(fixtures, dicomPort: ports.dicom)
        try await Self.runBrowser(
            "webui_browser.py", ["http://127.0.0.1:\(ports.http)", fixtures, Self.artifacts], minimum: 20)
    }

    /// make_ui_studies.py's studies under `directory`/fixtures, once the tools the browser
    /// tests need are known to be there.
    static func makeFixtures(in directory: TemporaryDirectory) async throws -> String {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver", "/usr/bin/storescu", "/usr/bin/storescp"] {
            guard FileManager.default.isExecutableFile(atPath: tool) else {
                throw Tools.ToolMissing(path: "\(tool) (./scripts/test installs chromium, chromium-driver and dcmtk)")
            }
        }
        let fixtures = directory.path + "/fixtures"
        let made = try await Tools.runDetached(
            "/usr/bin/env", ["python3", peers.appendingPathComponent("make_ui_studies.py").path, fixtures])
        try #require(made.status == 0, "make_ui_studies.py: \(made.output)")
        return fixtures
    }

    /// The fixtures' archive/ folder stored in the server with DCMTK's storescu.
    static func store(_ fixtures: String, dicomPort: Int) async throws {
        let store = try await Tools.runDetached(
            "/usr/bin/storescu", ["-aec", "APUS", "+sd", "127.0.0.1", String(dicomPort), fixtures + "/archive"])
        try #require(store.status == 0, "storescu: \(store.output)")
    }

    /// Runs a Selenium script of Peers/ and expects each of its checks (at least `minimum`).
    static func runBrowser(_ script: String, _ arguments: [String], minimum: Int) async throws {
        let browser = try await Tools.runDetached(
            "/usr/bin/env", ["python3", peers.appendingPathComponent(script).path] + arguments)
        let report = try report(browser.output)
        #expect(browser.status == 0, "\(script) exited with \(browser.status)")
        #expect(report.count >= minimum, "too few checks ran: \(browser.output)")
        for (name, check) in report.sorted(by: { $0.key < $1.key }) {
            #expect(check.ok, "\(name): \(check.detail)")
        }
    }

    struct Check: Decodable {
        var ok: Bool
        var detail: String
    }

    /// The checks from the script's JSON output; the whole output in the error when there is none.
    static func report(_ output: String) throws -> [String: Check] {
        struct Report: Decodable { var checks: [String: Check] }
        guard let start = output.range(of: "{\n \"checks\"")?.lowerBound,
            let report = try? JSONDecoder().decode(Report.self, from: Data(output[start...].utf8))
        else {
            throw Tools.ToolMissing(path: "a report from webui_browser.py (output: \(output))")
        }
        return report.checks
    }
}

extension ServerProcess {
    /// Reads the server's log and drops it, so that a chatty server never blocks on a full pipe.
    func discardOutput() {
        output.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
    }
}
