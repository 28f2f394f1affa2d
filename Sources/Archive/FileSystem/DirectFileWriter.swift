import Logging
import NIOCore
import Synchronization

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
/// Where the filesystem refuses direct I/O (tmpfs, some network and FUSE filesystems answer
/// `EINVAL`), the file is written through the page cache as before, and later files go straight
/// there. One writer per file, used by one task at a time.
final class DirectFileWriter: @unchecked Sendable {
    static let alignment = 4096

    let descriptor: Int32
    let path: String
    private let support: DirectWrites
    private var direct: Bool
    private var staging: DirectWrites.Staging?
    private var staged = 0
    /// Bytes written to the file so far (a multiple of `alignment` while direct).
    private var offset = 0

    /// Creates the file (it must not exist).
    init(path: String, support: DirectWrites) throws(POSIX.Failure) {
        self.path = path
        self.support = support
        if support.enabled {
            do {
                descriptor = try POSIX.openForWriting(path, direct: true)
                direct = true
                return
            } catch  where error.errorNumber == EINVAL {
                support.refused(path: path)
            }
        }
        descriptor = try POSIX.openForWriting(path, direct: false)
        direct = false
    }

    /// Appends the buffer's readable bytes.
    func append(_ buffer: ByteBuffer) throws(POSIX.Failure) {
        guard direct else {
            try POSIX.writeAll(descriptor, buffer, path: path)
            offset += buffer.readableBytes
            return
        }
        var failure: POSIX.Failure?
        buffer.withUnsafeReadableBytes { bytes in
            do throws(POSIX.Failure) { try append(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func append(_ bytes: UnsafeRawBufferPointer) throws(POSIX.Failure) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        let alignment = Self.alignment
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
        guard let staging else { return }
        var count = staged
        if padded, direct, count % Self.alignment != 0 {
            let rounded = (count / Self.alignment + 1) * Self.alignment
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
            try POSIX.clearDirect(descriptor, path: path)
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

/// What the file store's direct writes share: whether the filesystem takes them, and a few
/// aligned staging buffers, reused so that their pages stay resident (fresh ones would cost
/// the page faults direct writes avoid).
final class DirectWrites: Sendable {
    struct Staging: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
        let capacity: Int
    }

    static let stagingCapacity = 256 << 10
    /// Buffers kept for reuse; more writers at once allocate and free their own.
    static let keptStagings = 16

    private let state: Mutex<(enabled: Bool, free: [Staging])>

    init(enabled: Bool) {
        #if os(Linux)
            state = Mutex((enabled, []))
        #else
            state = Mutex((false, []))
        #endif
    }

    deinit {
        state.withLock { state in
            for staging in state.free { staging.pointer.deallocate() }
            state.free.removeAll()
        }
    }

    var enabled: Bool { state.withLock { $0.enabled } }

    /// Later files are written through the page cache; said once.
    func refused(path: String) {
        let first = state.withLock { state in
            defer { state.enabled = false }
            return state.enabled
        }
        guard first else { return }
        Logger(label: "apus.files").notice(
            "the filesystem refuses direct I/O (O_DIRECT); files are written through the page cache",
            metadata: ["file": "\(path)"])
    }

    func takeStaging() -> Staging {
        if let staging = state.withLock({ $0.free.popLast() }) { return staging }
        return Staging(
            pointer: .allocate(byteCount: Self.stagingCapacity, alignment: DirectFileWriter.alignment),
            capacity: Self.stagingCapacity)
    }

    func giveBack(_ staging: Staging) {
        let kept = state.withLock { state in
            guard state.free.count < Self.keptStagings else { return false }
            state.free.append(staging)
            return true
        }
        if !kept { staging.pointer.deallocate() }
    }
}
