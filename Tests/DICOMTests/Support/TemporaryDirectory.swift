import Foundation
import NIOCore

/// A directory under the system's temporary directory, removed with the last reference.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("apus-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func path(for name: String) -> String {
        url.appendingPathComponent(name).path
    }

    func write(_ bytes: ByteBuffer, to path: String) throws {
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: path))
    }
}
