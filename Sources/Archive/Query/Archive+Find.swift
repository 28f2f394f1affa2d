public import DICOM
import Synchronization

extension Archive {
    /// The response identifiers of a query, streamed as the index produces them, capped at
    /// `configuration.maximumQueryResults`. Sequence keys (PS3.4 C.2.2.2.6) are matched and
    /// answered from the metadata of each entity's first instance, after the index has matched
    /// the other keys; the window (offset, limit) then applies to what they let through.
    public func find(_ query: ArchiveQuery) -> AsyncThrowingStream<DataSet, any Error> {
        let capped = capped(query)
        guard !capped.sequenceKeys.isEmpty else {
            let cursor = FindCursor(index.query(capped).makeAsyncIterator()) { row in capped.response(for: row) }
            return AsyncThrowingStream(unfolding: { try await cursor.next() })
        }
        var unwindowed = capped
        unwindowed.limit = nil
        unwindowed.offset = 0
        let window = FindWindow(offset: capped.offset, limit: capped.limit ?? configuration.maximumQueryResults)
        let cursor = FindCursor(index.query(unwindowed).makeAsyncIterator()) { row in
            guard window.hasRoom(), let answer = try await self.answer(row, with: capped), window.admit() else {
                return nil
            }
            return answer
        }
        return AsyncThrowingStream(unfolding: { try await cursor.next(until: { window.isFull }) })
    }

    /// The query a C-FIND identifier asks for, with this archive's matching options.
    public func query(identifier: DataSet, model: InformationModel) throws(QueryError) -> ArchiveQuery {
        try ArchiveQuery(
            identifier: identifier, model: model,
            caseInsensitivePersonNames: configuration.caseInsensitivePersonNames,
            extraAttributes: configuration.extraAttributes)
    }

    func capped(_ query: ArchiveQuery) -> ArchiveQuery {
        var capped = query
        capped.limit = min(query.limit ?? configuration.maximumQueryResults, configuration.maximumQueryResults)
        return capped
    }

    /// The response for a row whose entity matches the sequence keys too; nil when it does not.
    private func answer(_ row: IndexRow, with query: ArchiveQuery) async throws -> DataSet? {
        var response = query.response(for: row)
        let stored = try await firstInstanceMetadata(of: row, query: query) ?? DataSet()
        var nonASCII = false
        for key in query.sequenceKeys {
            guard
                let items = key.answer(
                    from: stored, caseInsensitive: query.caseInsensitivePersonNames, nonASCII: &nonASCII)
            else { return nil }
            response.set(key.tag, items: items)
        }
        if nonASCII { response.set(.specificCharacterSet, vr: .CS, string: "ISO_IR 192") }
        return response
    }

    /// The data set (without bulk data) of the first instance stored under the row's entity.
    private func firstInstanceMetadata(of row: IndexRow, query: ArchiveQuery) async throws -> DataSet? {
        var matches: [KeyMatch] = []
        for level in query.level.selfAndAncestors where query.model.levels.contains(level) {
            let unique = AttributeCatalog.uniqueKey(of: level)
            guard let attribute = AttributeCatalog.attribute(for: unique), let value = row.values[unique] else {
                continue
            }
            matches.append(KeyMatch(target: .attribute(attribute), rule: .single(value)))
        }
        if let issuer = AttributeCatalog.attribute(for: .issuerOfPatientID), let value = row.values[.issuerOfPatientID]
        {
            matches.append(KeyMatch(target: .attribute(issuer), rule: .single(value)))
        }
        let first = ArchiveQuery(
            model: query.model, level: query.level, matches: matches, limit: 1, caseInsensitivePersonNames: false)
        for try await metadata in index.metadata(matching: first) {
            guard let json = metadata.json() else { return nil }
            return try? DICOMJSONDecoder().decode(json)
        }
        return nil
    }
}

/// Pulls one response at a time from the index's rows, skipping rows `transform` drops.
private actor FindCursor {
    private var rows: AsyncThrowingStream<IndexRow, any Error>.AsyncIterator
    private let transform: @Sendable (IndexRow) async throws -> DataSet?

    init(
        _ rows: AsyncThrowingStream<IndexRow, any Error>.AsyncIterator,
        transform: @escaping @Sendable (IndexRow) async throws -> DataSet?
    ) {
        self.rows = rows
        self.transform = transform
    }

    func next(until done: @Sendable () -> Bool = { false }) async throws -> DataSet? {
        while !done() {
            // One caller at a time (the stream asks for one element at a time), so nothing
            // else uses the iterator while it is out of the actor's storage.
            var current = rows
            let row = try await current.next(isolation: self)
            rows = current
            guard let row else { return nil }
            if let response = try await transform(row) { return response }
        }
        return nil
    }
}

/// Offset and limit applied after the sequence keys have matched.
private final class FindWindow: Sendable {
    private let state: Mutex<(skip: Int, remaining: Int)>

    init(offset: Int, limit: Int) {
        state = Mutex((max(0, offset), max(0, limit)))
    }

    var isFull: Bool { state.withLock { $0.remaining == 0 } }

    func hasRoom() -> Bool { !isFull }

    /// Counts one match: false while the offset is being skipped.
    func admit() -> Bool {
        state.withLock { (state: inout (skip: Int, remaining: Int)) -> Bool in
            if state.skip > 0 {
                state.skip -= 1
                return false
            }
            state.remaining -= 1
            return true
        }
    }
}
