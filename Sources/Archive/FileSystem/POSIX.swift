package import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin, throwing wrappers over the system calls the filesystem blob store uses. They block,
/// so callers run them on a thread pool, never on the cooperative executor. Visible to the
/// package: HTTPAPI spools ZIP uploads to a file with the same calls.
package enum POSIX {
    /// A failed call: its name and errno.
    package struct Failure: Error {
        let call: String
        let path: String
        let errorNumber: Int32

        package var reason: String { "\(call)(\(path)): \(String(cString: strerror(errorNumber)))" }
    }

    static func openForWriting(_ path: String) throws(Failure) -> Int32 {
        try retrying("open", path) { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
    }

    /// Turns direct I/O (`O_DIRECT`: past the page cache) on or off for an open file; `EINVAL`
    /// where the filesystem has none. Linux only: elsewhere it stays off. Glibc's module
    /// shows the flag only as `__O_DIRECT`, since `O_DIRECT` needs `_GNU_SOURCE`.
    static func setDirect(_ descriptor: Int32, _ on: Bool, path: String) throws(Failure) {
        #if os(Linux)
            let flags = try retrying("fcntl", path) { fcntl(descriptor, F_GETFL) }
            let wanted = on ? flags | __O_DIRECT : flags & ~__O_DIRECT
            _ = try retrying("fcntl", path) { fcntl(descriptor, F_SETFL, wanted) }
        #else
            if on { throw Failure(call: "fcntl", path: path, errorNumber: EINVAL) }
        #endif
    }

    /// `count` bytes at `offset` of the file (`pwrite`), or at the file's position when
    /// `offset` is nil (`write`), however many calls it takes.
    static func writeAll(
        _ descriptor: Int32, _ bytes: UnsafeRawPointer, count: Int, at offset: Int?, path: String
    ) throws(Failure) {
        var written = 0
        while written < count {
            let result =
                if let offset {
                    pwrite(descriptor, bytes + written, count - written, off_t(offset + written))
                } else {
                    write(descriptor, bytes + written, count - written)
                }
            if result < 0 {
                if errno == EINTR { continue }
                throw Failure(call: offset == nil ? "write" : "pwrite", path: path, errorNumber: errno)
            }
            // Nothing written and no error: retrying would spin.
            if result == 0 {
                throw Failure(call: offset == nil ? "write" : "pwrite", path: path, errorNumber: EIO)
            }
            written += result
        }
    }

    static func truncate(_ descriptor: Int32, length: Int, path: String) throws(Failure) {
        _ = try retrying("ftruncate", path) { ftruncate(descriptor, off_t(length)) }
    }

    package static func openForReading(_ path: String) throws(Failure) -> Int32 {
        try retrying("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
    }

    package static func writeAll(_ descriptor: Int32, _ buffer: ByteBuffer, path: String) throws(Failure) {
        var failure: Failure?
        buffer.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            do throws(Failure) {
                try writeAll(descriptor, base, count: bytes.count, at: nil, path: path)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Up to `count` bytes from `offset`; fewer only at the end of the file.
    package static func read(_ descriptor: Int32, offset: Int, count: Int, path: String) throws(Failure) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        try read(descriptor, offset: offset, count: count, into: &buffer, path: path)
        return buffer
    }

    /// Appends up to `count` bytes from `offset` to `buffer`; fewer only at the end of the file.
    static func read(
        _ descriptor: Int32, offset: Int, count: Int, into buffer: inout ByteBuffer, path: String
    ) throws(Failure) {
        var failure: Failure?
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { target in
            var total = 0
            while total < count, let base = target.baseAddress {
                let result = pread(descriptor, base + total, count - total, off_t(offset + total))
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = Failure(call: "pread", path: path, errorNumber: errno)
                    return total
                }
                if result == 0 { break }
                total += result
            }
            return total
        }
        if let failure { throw failure }
    }

    static func synchronize(_ descriptor: Int32, path: String) throws(Failure) {
        _ = try retrying("fsync", path) { fsync(descriptor) }
    }

    /// Makes a directory entry (a rename, a new file, a new directory) durable.
    static func synchronizeDirectory(_ path: String) throws(Failure) {
        let descriptor = try retrying("open", path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(descriptor) }
        try synchronize(descriptor, path: path)
    }

    static func rename(_ from: String, to: String) throws(Failure) {
        #if canImport(Glibc)
            _ = try retrying("rename", to) { Glibc.rename(from, to) }
        #else
            _ = try retrying("rename", to) { Darwin.rename(from, to) }
        #endif
    }

    /// Removes a file; a file that isn't there is not an error. Returns whether one was removed.
    @discardableResult
    static func removeFile(_ path: String) throws(Failure) -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw Failure(call: "unlink", path: path, errorNumber: errno)
    }

    /// Creates the directory and missing parents; returns those it created, top first, whose
    /// parents then need a directory fsync.
    @discardableResult
    static func makeDirectories(_ path: String) throws(Failure) -> [String] {
        var created: [String] = []
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) == 0 {
                created.append(prefix)
            } else if errno != EEXIST {
                throw Failure(call: "mkdir", path: prefix, errorNumber: errno)
            }
        }
        return created
    }

    struct Status {
        let size: Int
        let modified: Double
        let isDirectory: Bool
        let isRegularFile: Bool
    }

    static func status(_ path: String) throws(Failure) -> Status {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure(call: "stat", path: path, errorNumber: errno) }
        return Status(info)
    }

    static func status(_ descriptor: Int32, path: String) throws(Failure) -> Status {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Failure(call: "fstat", path: path, errorNumber: errno) }
        return Status(info)
    }

    /// Names in a directory, without `.` and `..`.
    static func entries(of path: String) throws(Failure) -> [String] {
        guard let directory = opendir(path) else { throw Failure(call: "opendir", path: path, errorNumber: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// Seconds since 1970, now.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private static func retrying(_ call: String, _ path: String, _ body: () -> Int32) throws(Failure) -> Int32 {
        while true {
            let result = body()
            if result >= 0 { return result }
            if errno != EINTR { throw Failure(call: call, path: path, errorNumber: errno) }
        }
    }
}

extension POSIX.Status {
    init(_ info: stat) {
        self.size = Int(info.st_size)
        #if canImport(Glibc)
            self.modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        #else
            self.modified = Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) / 1e9
        #endif
        self.isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        self.isRegularFile = (info.st_mode & S_IFMT) == S_IFREG
    }
}
