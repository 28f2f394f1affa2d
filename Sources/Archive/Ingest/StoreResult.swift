/// What `Archive.store` did with an instance. Storage failures (disk, database) are thrown
/// instead: the peer is then told to try again later (C-STORE A700), not that the
/// instance is bad.
public enum StoreResult: Sendable, Hashable {
    /// Stored and indexed: the peer may be told so.
    case stored(StoredInstance)
    /// The SOP Instance UID was already stored and the policy is `keep`: the stored copy
    /// stays (C-STORE: success, with the warning B000-class status where wanted).
    case duplicateKept(StoredInstance)
    /// The SOP Instance UID was already stored and the policy is `overwrite`: this copy
    /// replaced it.
    case overwritten(StoredInstance)
    /// Not stored, for the reason given; nothing changed.
    case refused(StoreRefusal)
}
