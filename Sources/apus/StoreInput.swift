import DICOM
import Foundation

/// The files `apus store` was given: directories searched recursively (like `storescu +sd
/// +r`), in path order; what is not a Part 10 instance is skipped with its reason.
struct StoreInput: Sendable {
    struct Candidate: Sendable, Equatable {
        var path: String
        var header: Part10Header
    }

    struct Skipped: Sendable, Equatable, Codable {
        var path: String
        var reason: String
    }

    var files: [Candidate] = []
    var skipped: [Skipped] = []

    /// Every path must exist (a usage error otherwise, before anything is read or sent).
    static func gather(_ paths: [String]) throws -> StoreInput {
        var found: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw NoSuchFile(path: path)
            }
            found += isDirectory.boolValue ? files(under: path) : [path]
        }
        var input = StoreInput()
        for path in found {
            do {
                let header = try Part10Header.read(path: path)
                if header.sopClass == .mediaStorageDirectoryStorage {
                    input.skipped.append(Skipped(path: path, reason: "a DICOMDIR, not an instance"))
                } else {
                    input.files.append(Candidate(path: path, header: header))
                }
            } catch {
                input.skipped.append(Skipped(path: path, reason: "\(error)"))
            }
        }
        return input
    }

    /// The regular files under `directory`, at any depth, sorted (symbolic links to files
    /// count; links to directories are not followed).
    static func files(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = base + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(path)
            }
        }
        return found.sorted()
    }

    struct NoSuchFile: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path): no such file or directory" }
    }
}
