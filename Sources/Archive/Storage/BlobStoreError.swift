/// A blob store failure, with the key and the operation it happened in. The code is a
/// struct so that stores can add codes without breaking callers' switches.
public struct BlobStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// No blob under the key.
        public static let notFound = Code("not found")
        /// The storage refused or failed an operation (disk full, I/O error, permissions).
        public static let io = Code("I/O error")
        /// A range that starts past the end of the blob or is otherwise unusable.
        public static let invalidRange = Code("invalid range")
        /// The storage does not offer the operation (an S3-compatible server without it).
        public static let unsupported = Code("not supported")

        public var description: String { name }
    }

    public var code: Code
    public var key: BlobKey?
    /// What was being done: "write", "fsync", "rename", "read"…
    public var operation: String
    /// The operating system's error number, where there is one (ENOSPC = 28, EIO = 5…).
    public var errorNumber: Int32?
    public var reason: String

    public init(code: Code, key: BlobKey?, operation: String, errorNumber: Int32? = nil, reason: String) {
        self.code = code
        self.key = key
        self.operation = operation
        self.errorNumber = errorNumber
        self.reason = reason
    }

    public var description: String {
        "blob \(key?.rawValue ?? "-"): \(operation) failed (\(code)): \(reason)"
    }
}
