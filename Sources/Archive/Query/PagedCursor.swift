/// Pulls a query's results a page at a time (for the index implementations), keyed by the level's primary key: the first
/// page skips `offset` rows, later ones start after the last key seen. Memory stays at one
/// page, and no read transaction stays open between pages (which would hold back WAL
/// checkpoints). Pages are separate snapshots: rows committed meanwhile may or may not
/// appear, as with any paged API.
public actor PagedCursor<Element: Sendable> {
    /// Fetches up to `count` rows after primary key `after` (or from the start, skipping
    /// `offset`), returning each row's key and element.
    public typealias Fetch = @Sendable (_ after: Int?, _ offset: Int, _ count: Int) async throws -> [(Int, Element)]

    private let fetch: Fetch
    private let pageSize: Int
    private var remaining: Int
    private var offset: Int
    private var lastKey: Int?
    private var buffer: [Element] = []
    private var position = 0
    private var exhausted = false

    public init(limit: Int?, offset: Int, pageSize: Int, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.pageSize = max(1, pageSize)
        self.remaining = max(0, limit ?? Int.max)
        self.offset = max(0, offset)
    }

    public func next() async throws -> Element? {
        if position == buffer.count {
            guard !exhausted, remaining > 0 else { return nil }
            let count = min(pageSize, remaining)
            let page = try await fetch(lastKey, offset, count)
            offset = 0
            buffer = page.map(\.1)
            position = 0
            lastKey = page.last?.0 ?? lastKey
            if page.count < count { exhausted = true }
            guard !buffer.isEmpty else { return nil }
        }
        let element = buffer[position]
        position += 1
        remaining -= 1
        return element
    }

    public nonisolated var stream: AsyncThrowingStream<Element, any Error> {
        AsyncThrowingStream(unfolding: { try await self.next() })
    }
}
