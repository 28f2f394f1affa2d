public import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FileBlobStore {
    public func get(_ key: BlobKey) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
        try await get(key, range: 0..<Int.max)
    }

    public func get(_ key: BlobKey, range: Range<Int>) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
        let file = path(of: key)
        let (descriptor, size) = try await run(key: key, "open") {
            let descriptor = try POSIX.openForReading(file)
            do {
                return (descriptor, try POSIX.status(descriptor, path: file).size)
            } catch {
                close(descriptor)
                throw error
            }
        }
        guard range.lowerBound >= 0, range.lowerBound <= size else {
            _ = try? await run(key: key, "close") { close(descriptor) }
            throw BlobStoreError(
                code: .invalidRange, key: key, operation: "read",
                reason: "range starts at \(range.lowerBound), blob has \(size) bytes")
        }
        let reader = FileChunkReader(
            store: self, key: key, path: file, descriptor: descriptor,
            range: range.lowerBound..<min(range.upperBound, size))
        return AsyncThrowingStream(unfolding: { try await reader.next() })
    }

    /// Asks the kernel to read the files' first bytes into the page cache (`POSIX_FADV_WILLNEED`
    /// starts the reads and returns), so that several files are read from the disk at once
    /// while the one before them is sent.
    public func prefetch(_ keys: [BlobKey], bytes: Int) async {
        let files = keys.map { path(of: $0) }
        _ = try? await run(key: nil, "prefetch") {
            for file in files {
                let descriptor = open(file, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else { continue }
                _ = posix_fadvise(descriptor, 0, off_t(bytes), POSIX_FADV_WILLNEED)
                close(descriptor)
            }
        }
    }

    public func size(of key: BlobKey) async throws -> Int {
        let file = path(of: key)
        return try await run(key: key, "stat") { try POSIX.status(file).size }
    }

    public func list() -> AsyncThrowingStream<BlobInfo, any Error> {
        let walker = BlobDirectoryWalker(store: self)
        return AsyncThrowingStream(unfolding: { try await walker.next() })
    }
}
