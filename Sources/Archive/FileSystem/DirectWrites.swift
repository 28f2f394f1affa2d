import Logging
import Synchronization

/// What the file store's direct writes share: whether the filesystem takes them, and a few
/// aligned staging buffers, reused so that their pages stay resident (fresh ones would cost
/// the page faults direct writes avoid).
final class DirectWrites: Sendable {
    /// An aligned buffer, owned by one writer between `takeStaging` and `giveBack`, by the
    /// pool otherwise (hence `@unchecked Sendable`).
    struct Staging: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
        let capacity: Int
    }

    static let stagingCapacity = 256 << 10
    /// Buffers kept for reuse; more writers at once allocate and free their own.
    static let keptStagings = 16

    /// What memory, file offsets and lengths of direct writes are aligned to: 4 KiB covers
    /// 512-byte and 4 KiB devices. (Tests make it 1, which the filesystem then refuses.)
    let alignment: Int
    private let state: Mutex<(enabled: Bool, free: [Staging])>

    init(enabled: Bool, alignment: Int = DirectFileWriter.alignment) {
        self.alignment = alignment
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
            pointer: .allocate(byteCount: Self.stagingCapacity, alignment: max(alignment, 16)),
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
