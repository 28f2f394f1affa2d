import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// The users that may log in with HTTP Basic, from a JSON file (a Kubernetes Secret mount):
/// `{"users": [{"username": "alice", "password": "$2b$12$…", "role": "admin"}]}`, passwords
/// as bcrypt hashes (`apus hash-password` makes them). Plain passwords are refused at load.
public final class UserDirectory: Sendable {
    struct Entry: Sendable {
        var hash: String
        var role: Role
    }

    private let users: [String: Entry]
    /// Checked credentials for a short while: bcrypt costs ~100 ms by design, and a viewer
    /// sends dozens of requests a second with the same header. Keyed by a digest, never the
    /// password itself.
    private let recent = Mutex<[String: (role: Role, until: ContinuousClock.Instant)]>([:])

    public var count: Int { users.count }

    public convenience init(loadingFile path: String) throws(AuthenticationSetupError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuthenticationSetupError("users file \(path) can't be read")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw AuthenticationSetupError("users file \(path) is not JSON: \(error.localizedDescription)")
        }
        guard let list = (object as? [String: Any])?["users"] as? [[String: Any]] else {
            throw AuthenticationSetupError(
                #"users file \#(path): expected {"users": [{"username", "password", "role"}]}"#)
        }
        var users: [String: Entry] = [:]
        for (index, user) in list.enumerated() {
            guard let name = user["username"] as? String, !name.isEmpty, !name.contains(":") else {
                throw AuthenticationSetupError("users file \(path): user \(index + 1) has no valid username")
            }
            guard let hash = user["password"] as? String, hash.hasPrefix("$2") else {
                throw AuthenticationSetupError(
                    "users file \(path): the password of '\(name)' must be a bcrypt hash (apus hash-password)")
            }
            guard let roleName = user["role"] as? String, let role = Role(name: roleName) else {
                throw AuthenticationSetupError("users file \(path): '\(name)' needs a role: read, write or admin")
            }
            users[name] = Entry(hash: hash, role: role)
        }
        self.init(users: users)
    }

    init(users: [String: Entry]) {
        self.users = users
    }

    /// Users given as name and bcrypt hash, all with one role (an Orthanc file's RegisteredUsers).
    public convenience init(hashes: [String: String], role: Role) {
        self.init(users: hashes.mapValues { Entry(hash: $0, role: role) })
    }

    /// The hash a users file holds for `password`.
    public static func hash(password: String, cost: UInt8 = 12) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// The user's role when the password is right, nil otherwise (unknown users too).
    public func authenticate(username: String, password: String) async -> Role? {
        guard let entry = users[username] else { return nil }
        let key = Self.cacheKey(username: username, password: password, hash: entry.hash)
        let now = ContinuousClock.now
        if let cached = recent.withLock({ $0[key] }), cached.until > now { return cached.role }
        // bcrypt blocks for its whole cost: keep it off the event loops and the cooperative pool.
        let matches =
            (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: entry.hash) }) ?? false
        guard matches else { return nil }
        recent.withLock { cache in
            if cache.count > 1024 { cache.removeAll() }
            cache[key] = (entry.role, now + .seconds(60))
        }
        return entry.role
    }

    private static func cacheKey(username: String, password: String, hash: String) -> String {
        let digest = SHA256.hash(data: Data((username + "\u{0}" + password + "\u{0}" + hash).utf8))
        return digest.map { String($0, radix: 16) }.joined()
    }
}
