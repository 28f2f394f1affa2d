import ApusServer
import Foundation
import Logging

/// The Apus server in this process, on a free port, over SQLite and files in a temporary
/// directory, for the length of a test body.
enum TestServer {
    static func withRunning(aeTitle: String = "APUS", _ body: (Int) async throws -> Void) async throws {
        try await withRunning(configure: { $0.aeTitle = aeTitle }) { ports in try await body(ports.dicom) }
    }

    struct Ports {
        var dicom: Int
        /// The DICOM TLS listener's, 0 when `configure` gave it no TLS port.
        var tls: Int
    }

    /// With the settings `configure` changes (a TLS port of 0 picks a free one).
    static func withRunning(
        configure: (inout ServerConfiguration) -> Void, _ body: (Ports) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory.path
        configuration.dicomHost = "127.0.0.1"
        configuration.dicomPort = 0
        configuration.httpPort = 0
        configure(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = ApusServer(configuration: configuration, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let (tlsPorts, tlsContinuation) = AsyncStream.makeStream(of: Int.self)
        let hasTLS = configuration.dicomTLSPort != nil
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer {
                    continuation.finish()
                    tlsContinuation.finish()
                }
                try await server.run(
                    onListening: { continuation.yield($0) }, onTLSListening: { tlsContinuation.yield($0) })
            }
            var iterator = ports.makeAsyncIterator()
            var tlsIterator = tlsPorts.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.waitForAll()
                throw CancellationError()
            }
            var tlsPort = 0
            if hasTLS {
                guard let bound = await tlsIterator.next() else { throw CancellationError() }
                tlsPort = bound
            }
            do {
                try await body(Ports(dicom: port, tls: tlsPort))
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}
