/// Failures of the SQLite index that are not SQLite's own errors.
public enum SQLiteIndexError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A row or statement result that breaks what the schema guarantees.
    case internalInconsistency(String)
    /// The index was asked for something after `close()`.
    case closed

    public var description: String {
        switch self {
        case .internalInconsistency(let detail): "SQLite index inconsistent: \(detail)"
        case .closed: "SQLite index is closed"
        }
    }
}
