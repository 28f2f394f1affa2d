/// Stored instances already listed, as an async sequence (what `prefetching` and the ZIP
/// response take).
public struct StoredInstanceList: AsyncSequence, Sendable {
    public typealias Element = StoredInstance
    public let instances: [StoredInstance]

    public init(_ instances: [StoredInstance]) {
        self.instances = instances
    }

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        var remaining: ArraySlice<StoredInstance>

        public mutating func next() async -> StoredInstance? { remaining.popFirst() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: instances[...]) }
}
