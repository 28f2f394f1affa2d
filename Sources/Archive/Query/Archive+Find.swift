public import DICOM

extension Archive {
    /// The response identifiers of a query, streamed as the index produces them, capped at
    /// `configuration.maximumQueryResults`.
    public func find(_ query: ArchiveQuery) -> AsyncMapSequence<AsyncThrowingStream<IndexRow, any Error>, DataSet> {
        let capped = capped(query)
        return index.query(capped).map { capped.response(for: $0) }
    }

    /// The query a C-FIND identifier asks for, with this archive's matching options.
    public func query(identifier: DataSet, model: InformationModel) throws(QueryError) -> ArchiveQuery {
        try ArchiveQuery(
            identifier: identifier, model: model,
            caseInsensitivePersonNames: configuration.caseInsensitivePersonNames)
    }

    func capped(_ query: ArchiveQuery) -> ArchiveQuery {
        var capped = query
        capped.limit = min(query.limit ?? configuration.maximumQueryResults, configuration.maximumQueryResults)
        return capped
    }
}
