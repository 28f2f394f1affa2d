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
        if let inMemory = chunks as? ByteBufferChunks {
            return try await put(key, buffers: inMemory.buffers, temporary: temporary)
        }
        let support = directWrites
        let writer = try await run(key: key, "create") {
            try DirectFileWriter(path: temporary, support: support)
        }
        // `commit` closes the descriptor on every path; after it starts, closing again could
        // close a descriptor some other thread has just been given.
        var descriptorOpen = true
        do {
            for try await chunk in chunks {
                try Task.checkCancellation()
                try await run(key: key, "write") { try writer.append(chunk) }
            }
            let final = path(of: key)
            let size = try await run(key: key, "write") { try writer.finish() }
            descriptorOpen = false
            try await run(key: key, "commit") {
                try Self.commit(descriptor: writer.descriptor, temporary: temporary, final: final)
            }
            return size
        } catch {
            // Close (if commit didn't) and remove the partial file; the error that got us
            // here is the one to report. Inline, not on the thread pool: the pool does not
            // start work for a task already cancelled, and cancellation is one way here.
            if descriptorOpen { close(writer.descriptor) }
            writer.abandon()
            _ = try? POSIX.removeFile(temporary)
            throw error
        }
    }

    /// Bytes already in memory (C-STORE, STOW-RS, import): create, write and commit in one
    /// trip to the thread pool rather than one per step, which for small instances costs
    /// more than the writing.
    private func put(_ key: BlobKey, buffers: [ByteBuffer], temporary: String) async throws -> Int {
        let final = path(of: key)
        let support = directWrites
        return try await run(key: key, "write") {
            let writer = try DirectFileWriter(path: temporary, support: support)
            let size: Int
            do {
                for buffer in buffers { try writer.append(buffer) }
                size = try writer.finish()
            } catch {
                writer.abandon()
                close(writer.descriptor)
                _ = try? POSIX.removeFile(temporary)
                throw error
            }
            do {
                try Self.commit(descriptor: writer.descriptor, temporary: temporary, final: final)
            } catch {
                _ = try? POSIX.removeFile(temporary)
                throw error
            }
            return size
        }
    }

    /// Rename the complete file into place, then fsync it and the directories whose entries
    /// changed. Closes the descriptor whether it succeeds or not; on failure nothing stays
    /// under the key.
    ///
    /// Renaming before the fsync puts the data and the new name in one journal commit of
    /// ext4 and XFS, so the directory fsyncs that follow find nothing left to write: one
    /// device flush per blob instead of two. Nothing refers to the key before `put`
    /// returns (the index records it only afterwards), so a crash between the rename and
    /// the fsync can only leave an unreferenced blob, which the orphan sweep removes.
    private static func commit(descriptor: Int32, temporary: String, final: String) throws(POSIX.Failure) {
        let directory = parent(of: final)
        var created: [String] = []
        do {
            // The directory is usually there (a series' instances share it): making sure of
            // each level first would cost a mkdir per level for every blob.
            do {
                try POSIX.rename(temporary, to: final)
            } catch  where error.errorNumber == ENOENT {
                created = try POSIX.makeDirectories(directory)
                try POSIX.rename(temporary, to: final)
            }
        } catch {
            close(descriptor)
            throw error
        }
        var open = true
        do {
            try POSIX.synchronize(descriptor, path: final)
            close(descriptor)
            open = false
            try POSIX.synchronizeDirectory(directory)
            // A new directory is itself an entry of its parent, which must be durable too.
            for newDirectory in created.reversed() {
                try POSIX.synchronizeDirectory(parent(of: newDirectory))
            }
        } catch {
            if open { close(descriptor) }
            _ = try? POSIX.removeFile(final)
            throw error
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
