import DICOMNetwork
import Foundation
import NIOCore
import NIOPosix

/// Ports nobody listens on, and listeners that accept and say nothing.
enum Ports {
    /// A port the system just gave and took back: free unless someone takes it meanwhile.
    static func free() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    /// Accepts connections and never answers, for `body`'s length.
    static func withSilentListener(_ body: (Int) async throws -> Void) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(channel.localAddress?.port ?? 0)
        } catch {
            try? await channel.close()
            throw error
        }
        try await channel.close()
    }
}

/// DCMTK's storescp on a free port, writing what it receives (bit-preserving with `+B`) into
/// a temporary directory.
final class StoreSCP: Sendable {
    let port: Int
    let directory: TemporaryDirectory
    let child: ChildProcess

    private init(port: Int, directory: TemporaryDirectory, child: ChildProcess) {
        self.port = port
        self.directory = directory
        self.child = child
    }

    deinit { child.terminate() }

    /// storescp with `options` for the length of `body`, killed after it.
    static func withRunning(_ options: [String], _ body: (StoreSCP) async throws -> Void) async throws {
        let peer = try await start(options)
        defer { peer.child.terminate() }
        try await body(peer)
    }

    private static func start(_ options: [String]) async throws -> StoreSCP {
        let directory = try TemporaryDirectory()
        let port = try await Ports.free()
        let child = try ChildProcess(
            "/usr/bin/storescp", options + ["-od", directory.path, String(port)],
            missing: "install DCMTK (apt-get install dcmtk, or ./scripts/test)")
        let peer = StoreSCP(port: port, directory: directory, child: child)
        try await peer.waitUntilListening()
        return peer
    }

    /// Until storescp accepts TCP connections. A bare connect, not an association: storescp
    /// serves one association at a time, and a probe association that timed out on a busy
    /// machine would keep it waiting for the rest of the test.
    private func waitUntilListening() async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while clock.now < deadline {
            guard child.isRunning else {
                throw ChildProcess.Failure(description: "storescp exited: \(child.output) \(child.errors)")
            }
            if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            {
                try? await channel.close()
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ChildProcess.Failure(description: "storescp did not listen on \(port): \(child.errors)")
    }

    /// The files storescp wrote.
    var received: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.path + "/" + $0 }
    }
}
