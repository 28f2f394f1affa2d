import Archive
import DICOM
import Foundation
import NIOCore
import Testing

@Suite("Storage failures during ingest")
struct StorageFailureTests {
    /// A blob store whose disk is full.
    struct FullBlobStore: BlobStore {
        let base: FileBlobStore

        func put<Chunks: AsyncSequence>(_ key: BlobKey, chunks: Chunks) async throws -> Int
        where Chunks.Element == ByteBuffer {
            throw BlobStoreError(code: .io, key: key, operation: "write", errorNumber: ENOSPC, reason: "No space left")
        }
        func get(_ key: BlobKey) async throws -> AsyncThrowingStream<ByteBuffer, any Error> { try await base.get(key) }
        func get(_ key: BlobKey, range: Range<Int>) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
            try await base.get(key, range: range)
        }
        func size(of key: BlobKey) async throws -> Int { try await base.size(of: key) }
        func delete(_ key: BlobKey) async throws { try await base.delete(key) }
        func list() -> AsyncThrowingStream<BlobInfo, any Error> { base.list() }
        func removeIncomplete(olderThan age: Double) async throws -> Int {
            try await base.removeIncomplete(olderThan: age)
        }
    }

    /// An index whose registrations fail, as when its disk fails after the blob was written.
    struct BrokenIndex: IndexStore {
        struct Broken: Error {}
        let base: any IndexStore

        func register(_ registrations: [InstanceRegistration]) async throws -> [RegistrationOutcome] { throw Broken() }
        func query(_ query: ArchiveQuery) -> AsyncThrowingStream<IndexRow, any Error> { base.query(query) }
        func instances(matching query: ArchiveQuery) -> AsyncThrowingStream<StoredInstance, any Error> {
            base.instances(matching: query)
        }
        func instance(sopInstanceUID: String) async throws -> StoredInstance? {
            try await base.instance(sopInstanceUID: sopInstanceUID)
        }
        func metadata(sopInstanceUID: String) async throws -> InstanceMetadata? {
            try await base.metadata(sopInstanceUID: sopInstanceUID)
        }
        func metadata(matching query: ArchiveQuery) -> AsyncThrowingStream<InstanceMetadata, any Error> {
            base.metadata(matching: query)
        }
        func resource(_ id: ResourceID, at level: QueryLevel) async throws -> IndexedResource? {
            try await base.resource(id, at: level)
        }
        func delete(_ resource: ResourceSelector) async throws -> [BlobKey] { try await base.delete(resource) }
        func referencedBlobs(among keys: [BlobKey]) async throws -> Set<BlobKey> {
            try await base.referencedBlobs(among: keys)
        }
        func changes(after sequence: Int64, limit: Int) async throws -> [Change] {
            try await base.changes(after: sequence, limit: limit)
        }

        func latestChangeSequence() async throws -> Int64 {
            try await base.latestChangeSequence()
        }
        func statistics() async throws -> IndexStatistics { try await base.statistics() }
        func prepareExtraAttributes(_ attributes: [IndexedAttribute]) async throws -> [IndexedAttribute] {
            try await base.prepareExtraAttributes(attributes)
        }
        func extraAttributeSources(
            _ attribute: IndexedAttribute, after: Int, limit: Int
        ) async throws -> [ExtraAttributeSource] {
            try await base.extraAttributeSources(attribute, after: after, limit: limit)
        }
        func fillExtraAttribute(_ attribute: IndexedAttribute, values: [Int: String], complete: Bool) async throws {
            try await base.fillExtraAttribute(attribute, values: values, complete: complete)
        }
        func close() async throws { try await base.close() }
    }

    @Test("a full disk fails the store with a typed error and indexes nothing", arguments: Backend.allCases)
    func diskFull(backend: Backend) async throws {
        try await TestArchive.with(backend) { test in
            let archive = Archive(
                index: test.index, blobs: FullBlobStore(base: test.blobs), logger: test.archive.logger)
            let error = await #expect(throws: BlobStoreError.self) {
                _ = try await archive.store(part10: try GeneratedStudies().file(0))
            }
            #expect(error?.errorNumber == ENOSPC)
            let indexed = try await test.index.statistics().instances
            #expect(indexed == 0)
        }
    }

    @Test("an index failure after the blob is written throws and removes the blob again", arguments: Backend.allCases)
    func indexFailure(backend: Backend) async throws {
        try await TestArchive.with(backend) { test in
            let archive = Archive(index: BrokenIndex(base: test.index), blobs: test.blobs, logger: test.archive.logger)
            await #expect(throws: BrokenIndex.Broken.self) {
                _ = try await archive.store(part10: try GeneratedStudies().file(0))
            }
            let keys = try await test.blobKeys()
            #expect(keys.isEmpty)
        }
    }

    @Test(
        "a study's metadata streams from the index, one data set per instance, in storage order",
        arguments: Backend.allCases)
    func studyMetadata(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend, pageSize: 2) { test in
            for index in generated.instances.indices {
                _ = try await test.archive.store(part10: try generated.file(index))
            }
            let study = generated.studies[7]
            let query = ArchiveQuery(
                model: .studyRoot, level: .study,
                matches: [
                    KeyMatch(
                        target: .attribute(try #require(AttributeCatalog.attribute(for: .studyInstanceUID))),
                        rule: .single(study.uid))
                ])
            let documents = try await test.archive.metadata(matching: query).collect()
            let uids = try documents.map { try DICOMJSONDecoder().decode($0).string(.sopInstanceUID) ?? "" }
            let expected = generated.instances.filter { generated.series[$0.series].study == 7 }.map(\.uid)
            #expect(uids == expected)
        }
    }
}
