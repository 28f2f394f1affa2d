public import Hummingbird

/// What a user may do. Each role includes the ones below it.
public enum Role: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// Search, view and download.
    case read
    /// Also store (STOW-RS, uploads).
    case write
    /// Also delete, and act on other servers (DICOM peers).
    case admin

    public init?(name: String) {
        switch name.lowercased() {
        case "read", "reader", "viewer", "apus-read": self = .read
        case "write", "writer", "uploader", "apus-write": self = .write
        case "admin", "administrator", "apus-admin": self = .admin
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .admin: "admin"
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The role a request needs: reading is safe, storing writes, deleting and driving other
    /// servers is for administrators. Queries sent as POST (`/tools/find`, `/tools/lookup`) only read.
    public static func required(method: HTTPRequest.Method, path: String) -> Role {
        switch method {
        case .get, .head, .options: return .read
        case .delete: return .admin
        default:
            if path.hasPrefix("/tools/find") || path.hasPrefix("/tools/lookup") { return .read }
            if path.hasPrefix("/modalities") { return .admin }
            return .write
        }
    }
}
