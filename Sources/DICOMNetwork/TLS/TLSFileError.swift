/// A certificate, key or CA file that can't be used, and why.
public struct TLSFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum File: Sendable, Equatable {
        case certificate
        case privateKey
        case trustRoots
    }

    public var file: File
    public var path: String
    public var problem: String

    public init(file: File, path: String, problem: String) {
        self.file = file
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
