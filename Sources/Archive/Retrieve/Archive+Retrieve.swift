public import NIOCore

extension Archive {
    /// The instances a C-GET, C-MOVE or WADO-RS request selects, in storage order.
    public func instances(matching query: ArchiveQuery) -> AsyncThrowingStream<StoredInstance, any Error> {
        index.instances(matching: query)
    }

    /// The Part 10 bytes of a stored instance, streamed from the blob store.
    public func content(of instance: StoredInstance) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
        try await blobs.get(instance.blobKey)
    }

    /// The DICOM JSON metadata of an instance, from the index alone; nil if unknown.
    public func metadata(sopInstanceUID: String) async throws -> ByteBuffer? {
        guard let stored = try await index.metadata(sopInstanceUID: sopInstanceUID) else { return nil }
        guard let json = stored.json() else {
            throw IndexStoreError.corrupt("metadata of \(sopInstanceUID) does not inflate")
        }
        return json
    }

    /// The DICOM JSON metadata of every instance a query selects (a study's, for WADO-RS),
    /// one data set per element, from the index alone.
    public func metadata(
        matching query: ArchiveQuery
    ) -> AsyncThrowingMapSequence<AsyncThrowingStream<InstanceMetadata, any Error>, ByteBuffer> {
        index.metadata(matching: query).map { stored in
            guard let json = stored.json() else { throw IndexStoreError.corrupt("stored metadata does not inflate") }
            return json
        }
    }

    /// Removes an entity and everything below it: index rows first, then the blobs they
    /// referenced (a crash in between leaves orphans for the sweep, never rows without
    /// blobs). Returns the number of blobs removed.
    @discardableResult
    public func delete(_ resource: ResourceSelector) async throws -> Int {
        let keys = try await index.delete(resource)
        for key in keys { await discard(key, reason: "deleted") }
        return keys.count
    }
}
