import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a new blob file with `O_DIRECT`, past the page cache.
///
/// A buffered write copies every byte into page-cache pages the kernel has just allocated,
/// and on a virtual machine whose host takes back freed memory (free page reporting) each of
/// those pages is first touched at the host's cost: on the development machine that copy was
/// 43% of the server's CPU in a four-client STOW-RS run, and a direct write of the same file
/// took half the CPU of a buffered one. The archive writes a blob once and fsyncs it before
/// answering anyway, so the page cache only held data already on its way to the disk.
///
/// Direct I/O wants the memory, the file offset and the length aligned to the device's
/// logical block; `alignment` (4 KiB) covers 512-byte and 4 KiB devices. A buffer that starts
/// aligned (`FileBlobStore.alignedBuffer`) goes to the disk from where it lies; other bytes
/// are gathered in an aligned staging buffer, as the kernel would have gathered them into the
/// page cache. The last block is padded with zeros and the file truncated to its length.
///
/// Where the filesystem refuses direct I/O (`EINVAL`: tmpfs before Linux 6.6, some network
/// and FUSE filesystems), the file is written through the page cache as before, and later
/// files go straight there. One writer per file, used by one task at a time: the thread pool
/// runs each step after the one before has returned (hence `@unchecked Sendable`).
final class DirectFileWriter: @unchecked Sendable {
    /// The boundary `FileBlobStore.alignedBuffer` starts its bytes on.
    static let alignment = 4096

    let descriptor: Int32
    let path: String
    private let support: DirectWrites
    private var direct = false
    private var staging: DirectWrites.Staging?
    private var staged = 0
    /// Bytes written to the file so far (a multiple of the alignment while direct). Every
    /// write is positional (`pwrite`), so a switch to the page cache mid-file goes on here.
    private var offset = 0

    /// Creates the file (it must not exist). Direct I/O is turned on after the open, because
    /// an open with `O_DIRECT` that the filesystem refuses has already created the file.
    init(path: String, support: DirectWrites) throws(POSIX.Failure) {
        self.path = path
        self.support = support
        descriptor = try POSIX.openForWriting(path)
        guard support.enabled else { return }
        do {
            try POSIX.setDirect(descriptor, true, path: path)
            direct = true
        } catch  where error.errorNumber == EINVAL {
            support.refused(path: path)
        } catch {
            close(descriptor)
            _ = try? POSIX.removeFile(path)
            throw error
        }
    }

    /// Appends the buffer's readable bytes.
    func append(_ buffer: ByteBuffer) throws(POSIX.Failure) {
        var failure: POSIX.Failure?
        buffer.withUnsafeReadableBytes { bytes in
            do throws(POSIX.Failure) { try append(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func append(_ bytes: UnsafeRawBufferPointer) throws(POSIX.Failure) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        guard direct else {
            // Bytes staged before a switch to the page cache go first.
            try flushStaging(padded: false)
            try write(UnsafeRawPointer(next), count: remaining)
            return
        }
        let alignment = support.alignment
        if staged == 0, Int(bitPattern: next) % alignment == 0, remaining >= alignment {
            let whole = remaining - remaining % alignment
            try write(UnsafeRawPointer(next), count: whole)
            next += whole
            remaining -= whole
        }
        while remaining > 0 {
            let staging = stagingBuffer()
            let count = min(remaining, staging.capacity - staged)
            (staging.pointer + staged).copyMemory(from: next, byteCount: count)
            staged += count
            next += count
            remaining -= count
            if staged == staging.capacity { try flushStaging(padded: false) }
        }
    }

    /// Writes what is staged, pads and truncates the file to its length; returns the length.
    /// The staging buffer goes back to the pool whether this succeeds or not.
    func finish() throws(POSIX.Failure) -> Int {
        defer { releaseStaging() }
        guard staged > 0 else { return offset }
        let length = offset + staged
        try flushStaging(padded: true)
        if offset != length { try POSIX.truncate(descriptor, length: length, path: path) }
        return length
    }

    /// Gives the staging buffer back if `finish` was never reached.
    func abandon() {
        releaseStaging()
    }

    private func flushStaging(padded: Bool) throws(POSIX.Failure) {
        guard let staging, staged > 0 else { return }
        var count = staged
        let alignment = support.alignment
        if padded, direct, count % alignment != 0 {
            let rounded = (count / alignment + 1) * alignment
            (staging.pointer + count).initializeMemory(as: UInt8.self, repeating: 0, count: rounded - count)
            count = rounded
        }
        try write(UnsafeRawPointer(staging.pointer), count: count)
        staged = 0
    }

    private func write(_ bytes: UnsafeRawPointer, count: Int) throws(POSIX.Failure) {
        do {
            try POSIX.writeAll(descriptor, bytes, count: count, at: offset, path: path)
        } catch  where direct && error.errorNumber == EINVAL {
            // Opened direct, but the filesystem refuses the write itself: go on through the
            // page cache from the same offset (padding, if any, is truncated by `finish`).
            support.refused(path: path)
            try POSIX.setDirect(descriptor, false, path: path)
            direct = false
            try POSIX.writeAll(descriptor, bytes, count: count, at: offset, path: path)
        }
        offset += count
    }

    private func stagingBuffer() -> DirectWrites.Staging {
        if let staging { return staging }
        let taken = support.takeStaging()
        staging = taken
        return taken
    }

    private func releaseStaging() {
        if let staging { support.giveBack(staging) }
        staging = nil
        staged = 0
    }
}
