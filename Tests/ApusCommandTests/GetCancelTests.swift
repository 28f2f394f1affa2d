import Foundation
import Testing

@testable import apus

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C during `apus get`: C-CANCEL goes to the peer (a slow pynetdicom C-GET SCP, which
/// honours it only when it names the C-GET's message ID), the files received so far stay,
/// and the exit code says the retrieval was cancelled.
@Suite("apus get, interrupted → pynetdicom C-GET SCP")
struct GetCancelTests {
    static let peerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Peers/pynetdicom_slow_get_scp.py").path

    /// Runs a command with SIGINT unblocked and at its default (the test process may block it,
    /// and children inherit the mask): python3 resets both, then replaces itself with it.
    static let withSIGINT = [
        "python3", "-c",
        "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
            + "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])",
    ]

    @Test func sigintCancelsTheRetrieval() async throws {
        // One instance every 0.3 s: a minute of them, so that the Ctrl-C lands half-way even when a
        // loaded machine delays it by seconds (20 gave it 6 s); the test itself ends at the cancel.
        let count = 200
        let port = try await Ports.free()
        let peer = try ChildProcess(
            "/usr/bin/env", ["python3", Self.peerScript, String(port), String(count)],
            missing: "python3 with pynetdicom (pip install pynetdicom)")
        defer { peer.terminate() }
        try await waitFor("the C-GET SCP to listen") { peer.output.contains("listening") || !peer.isRunning }
        #expect(peer.isRunning, "\(peer.output) \(peer.errors)")

        let output = try TemporaryDirectory()
        try ApusBinary.checkFresh()
        let get = try ChildProcess(
            "/usr/bin/env",
            Self.withSIGINT + [
                ApusBinary.path, "get", "127.0.0.1", String(port), "--aec", "SLOWGET", "-k", "StudyInstanceUID=1.2.3",
                "--output", output.path,
            ], missing: "build it first: swift build --product apus")
        defer { get.terminate() }
        try await waitFor("the first instance") { !Self.files(in: output.path).isEmpty || !get.isRunning }
        get.interrupt()
        let result = try await get.result(timeout: .seconds(60))

        #expect(result.status == ExitStatus.cancelled.rawValue, "\(result.output)\n\(result.errors)")
        #expect(result.errors.contains("interrupted: C-CANCEL sent, the peer answered 0xFE00"), "\(result.errors)")
        #expect(result.output.contains("C-GET 0xFE00 cancel"), "\(result.output)")
        let written = Self.files(in: output.path)
        #expect(!written.isEmpty && written.count < count, "\(written)")
        #expect(result.output.contains("Received \(written.count) instances"), "\(result.output)")
        #expect(result.output.contains("completed \(written.count),"), "\(result.output)")
        #expect(peer.output.contains("cancelled after"), "\(peer.output) \(peer.errors)")
    }

    static func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }
    }

    /// Polls `condition` for up to a minute (a loaded machine starts Python slowly).
    func waitFor(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ChildProcess.Failure(description: "timed out waiting for \(what)")
    }
}
