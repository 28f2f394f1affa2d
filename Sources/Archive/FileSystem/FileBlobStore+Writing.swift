public import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FileBlobStore {
    public func put<Chunks: AsyncSequence>(_ key: BlobKey, chunks: Chunks) async throws -> Int
    where Chunks.Element == ByteBuffer {
        let temporary = incomingDirectory + "/" + Self.randomName() + ".part"
        let descriptor = try await run(key: key, "create") {
            try POSIX.openForWriting(temporary)
        }
        var size = 0
        // `commit` closes the descriptor on every path; after it starts, closing again could
        // close a descriptor some other thread has just been given.
        var descriptorOpen = true
        do {
            for try await chunk in chunks {
                try Task.checkCancellation()
                size += chunk.readableBytes
                try await run(key: key, "write") {
                    try POSIX.writeAll(descriptor, chunk, path: temporary)
                }
            }
            let final = path(of: key)
            descriptorOpen = false
            try await run(key: key, "commit") {
                try Self.commit(descriptor: descriptor, temporary: temporary, final: final)
            }
            return size
        } catch {
            // Close (if commit didn't) and remove the partial file; the error that got us
            // here is the one to report.
            let mustClose = descriptorOpen
            _ = try? await run(key: key, "clean up") {
                if mustClose { close(descriptor) }
                try POSIX.removeFile(temporary)
            }
            throw error
        }
    }

    /// fsync the file, rename it into place, fsync the directories whose entries changed.
    /// Closes the descriptor whether it succeeds or not.
    private static func commit(descriptor: Int32, temporary: String, final: String) throws(POSIX.Failure) {
        do {
            try POSIX.synchronize(descriptor, path: temporary)
        } catch {
            close(descriptor)
            throw error
        }
        close(descriptor)
        let directory = parent(of: final)
        let created = try POSIX.makeDirectories(directory)
        try POSIX.rename(temporary, to: final)
        try POSIX.synchronizeDirectory(directory)
        // A new directory is itself an entry of its parent, which must be durable too.
        for newDirectory in created.reversed() {
            try POSIX.synchronizeDirectory(parent(of: newDirectory))
        }
    }

    public func delete(_ key: BlobKey) async throws {
        let file = path(of: key)
        try await run(key: key, "delete") {
            // Only a removal changed the directory; a missing file may have no directory either.
            if try POSIX.removeFile(file) { try POSIX.synchronizeDirectory(Self.parent(of: file)) }
        }
    }

    public func removeIncomplete(olderThan age: Double) async throws -> Int {
        let directory = incomingDirectory
        return try await run(key: nil, "sweep incoming") {
            let limit = POSIX.now() - age
            var removed = 0
            for name in try POSIX.entries(of: directory) {
                let file = directory + "/" + name
                guard let status = try? POSIX.status(file), status.modified <= limit else { continue }
                try POSIX.removeFile(file)
                removed += 1
            }
            return removed
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func randomName() -> String {
        let high = String(UInt64.random(in: .min ... .max), radix: 16)
        let low = String(UInt64.random(in: .min ... .max), radix: 16)
        return high + "-" + low
    }
}
