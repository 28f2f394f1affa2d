import Archive
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The change feed as Server-Sent Events: each change is an event whose `id` is its sequence
/// number, so a client that reconnects with `Last-Event-ID` misses nothing. The index's
/// change table is polled, so changes committed by any replica arrive; memory holds one page
/// of changes per client. The stream ends when the server shuts down gracefully.
struct ChangeStream: Sendable {
    let index: any IndexStore
    let after: Int64
    let pollInterval: Duration
    let logger: Logger
    /// Changes read per query: what one client may hold at once.
    var pageSize = 200
    /// A comment line this often keeps proxies and load balancers from closing an idle stream.
    var keepAliveInterval: Duration = .seconds(15)

    func write(to writer: inout any ResponseBodyWriter) async throws {
        var last = after
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Tells EventSource how long to wait before reconnecting.
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
        let clock = ContinuousClock()
        var lastWrite = clock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let changes = try await index.changes(after: last, limit: pageSize)
            if !changes.isEmpty {
                var buffer = ByteBuffer()
                for change in changes {
                    let data = try encoder.encode(ChangeEntry(change))
                    buffer.writeString("id: \(change.sequence)\nevent: change\ndata: ")
                    buffer.writeBytes(data)
                    buffer.writeString("\n\n")
                    last = change.sequence
                }
                try await writer.write(buffer)
                lastWrite = clock.now
                // A full page: more may be waiting, read on without sleeping.
                if changes.count == pageSize { continue }
            } else if clock.now - lastWrite >= keepAliveInterval {
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                lastWrite = clock.now
            }
            await Self.sleep(pollInterval)
        }
        logger.debug("change stream ended", metadata: ["last": "\(last)"])
        try await writer.finish(nil)
    }

    /// Sleeps, but wakes when a graceful shutdown begins so that the response ends promptly.
    private static func sleep(_ duration: Duration) async {
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: duration)
        }
    }
}
