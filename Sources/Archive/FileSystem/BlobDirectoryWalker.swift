import Synchronization

/// Lists the blobs of a `FileBlobStore` one directory at a time, so that a listing of
/// millions of blobs holds one directory's entries in memory, not the whole tree.
final class BlobDirectoryWalker: Sendable {
    private struct State {
        /// Directories still to read, relative to the blobs directory ("" for the top).
        var pendingDirectories: [String] = [""]
        var pendingBlobs: [BlobInfo] = []
    }

    private let store: FileBlobStore
    private let state = Mutex(State())

    init(store: FileBlobStore) {
        self.store = store
    }

    func next() async throws -> BlobInfo? {
        while true {
            let step: (blob: BlobInfo?, directory: String?) = state.withLock { state in
                if let blob = state.pendingBlobs.popLast() { return (blob, nil) }
                return (nil, state.pendingDirectories.popLast())
            }
            if let blob = step.blob { return blob }
            guard let directory = step.directory else { return nil }
            let (subdirectories, blobs) = try await read(directory)
            state.withLock { state in
                state.pendingDirectories.append(contentsOf: subdirectories)
                state.pendingBlobs.append(contentsOf: blobs)
            }
        }
    }

    /// The subdirectories and blobs of one directory. Below the shard level, a path is a key
    /// (the shard directory itself is not part of it); files that don't name a valid key
    /// are not blobs of this store and are left out.
    private func read(_ relative: String) async throws -> ([String], [BlobInfo]) {
        let base = store.blobsDirectory
        return try await store.run(key: nil, "list") {
            var subdirectories: [String] = []
            var blobs: [BlobInfo] = []
            let directory = relative.isEmpty ? base : base + "/" + relative
            for name in try POSIX.entries(of: directory) {
                let child = relative.isEmpty ? name : relative + "/" + name
                guard let status = try? POSIX.status(directory + "/" + name) else { continue }
                if status.isDirectory {
                    subdirectories.append(child)
                    continue
                }
                // Drop the shard: "ab/1.2.3/4.5.6.dcm" is the key "1.2.3/4.5.6.dcm".
                guard status.isRegularFile, let slash = child.firstIndex(of: "/"),
                    let key = BlobKey(String(child[child.index(after: slash)...]))
                else { continue }
                blobs.append(BlobInfo(key: key, size: status.size, modified: status.modified))
            }
            return (subdirectories, blobs)
        }
    }
}
