import Foundation

/// The real `apus` executable, as `swift build` leaves it in `.build/debug`, run as scripts run it.
enum ApusBinary {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let path = root.appendingPathComponent(".build/debug/apus").path

    static func run(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> ChildProcess.Result {
        try checkFresh()
        let child = try ChildProcess(path, arguments, missing: "build it first: swift build --product apus")
        return try await child.result(timeout: timeout)
    }

    /// A binary older than the command's sources would test old code: fail, and say so.
    static func checkFresh() throws {
        let files = FileManager.default
        guard let built = try? files.attributesOfItem(atPath: path)[.modificationDate] as? Date else { return }
        let sources = root.appendingPathComponent("Sources/apus").path
        for name in (try? files.contentsOfDirectory(atPath: sources)) ?? [] {
            let modified = try? files.attributesOfItem(atPath: sources + "/" + name)[.modificationDate] as? Date
            if let modified, modified > built {
                throw ChildProcess.Failure(
                    description:
                        "\(path) is older than Sources/apus/\(name): rebuild it with swift build --product apus")
            }
        }
    }
}
