import ApusServer
import Foundation
import Logging

/// The Apus server in this process, on a free port, over SQLite and files in a temporary
/// directory, for the length of a test body.
enum TestServer {
    static func withRunning(aeTitle: String = "APUS", _ body: (Int) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory.path
        configuration.dicomHost = "127.0.0.1"
        configuration.dicomPort = 0
        configuration.httpPort = 0
        configuration.aeTitle = aeTitle
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = ApusServer(configuration: configuration, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(onListening: { continuation.yield($0) }) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                try await body(port)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}
