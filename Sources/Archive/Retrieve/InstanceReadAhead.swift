/// Read-ahead for a retrieval that opens listed instances by their position, one after the
/// other, through separate calls (the C-GET and C-MOVE sub-operations): each call says which
/// instance is being opened, and the blobs of the next ones are announced to the blob store
/// as `PrefetchingInstances` announces them for a stream.
public actor InstanceReadAhead {
    private var iterator: PrefetchingInstances<StoredInstanceList>.AsyncIterator?
    private var handedOut = 0

    init(_ instances: PrefetchingInstances<StoredInstanceList>) {
        iterator = instances.makeAsyncIterator()
    }

    /// The instance at `index` is being opened. A call while another one is still announcing
    /// returns at once: the one under way covers it.
    public func reached(_ index: Int) async {
        guard handedOut <= index, var iterator = iterator.take() else { return }
        while handedOut <= index, (try? await iterator.next()) != nil {
            handedOut += 1
        }
        self.iterator = iterator
    }
}

extension Archive {
    /// Read-ahead for instances opened by position (`InstanceReadAhead`).
    public func readAhead(of instances: [StoredInstance]) -> InstanceReadAhead {
        InstanceReadAhead(prefetching(StoredInstanceList(instances)))
    }
}
