import Synchronization

/// The port the HTTP server is bound to once it listens (the configured one may be 0). The
/// only state of the HTTP layer, and derived: it names where this process answers.
final class ListeningPort: Sendable {
    private let port = Mutex<Int?>(nil)

    var value: Int? { port.withLock { $0 } }

    func record(_ value: Int) {
        port.withLock { $0 = value }
    }
}
