import Archive
import DICOM
import Foundation
import NIOCore
import Testing

@Suite("Ingest")
struct IngestTests {
    @Test(
        "generated studies are stored, indexed with counts, and come back byte-identical", arguments: Backend.allCases)
    func generatedStudies(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend) { test in
            for index in generated.instances.indices {
                let result = try await test.archive.store(part10: try generated.file(index))
                guard case .stored(let instance) = result else {
                    Issue.record("instance \(index): \(result)")
                    continue
                }
                let content = try await test.archive.content(of: instance).collect()
                #expect(
                    content.reduce(into: ByteBuffer()) { $0.writeImmutableBuffer($1) } == (try generated.file(index)))
            }
            let statistics = try await test.index.statistics()
            #expect(statistics.patients == generated.patients.count)
            #expect(statistics.studies == generated.studies.count)
            #expect(statistics.series == generated.series.count)
            #expect(statistics.instances == generated.instances.count)
            #expect(try await test.blobKeys().count == generated.instances.count)
        }
    }

    @Test("a duplicate under keep reports the stored copy and leaves one row and one blob", arguments: Backend.allCases)
    func duplicateKept(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend) { test in
            let first = try await test.archive.store(part10: try generated.file(0))
            guard case .stored(let stored) = first else { throw Failure("first store: \(first)") }
            let second = try await test.archive.store(part10: try generated.file(0))
            #expect(second == .duplicateKept(stored))
            #expect(try await test.index.statistics().instances == 1)
            #expect(try await test.blobKeys() == [stored.blobKey])
        }
    }

    @Test(
        "a duplicate under overwrite replaces blob, attributes and metadata in the one row", arguments: Backend.allCases
    )
    func duplicateOverwritten(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend, configuration: Archive.Configuration(duplicatePolicy: .overwrite)) { test in
            let first = try await test.archive.store(part10: try generated.file(0))
            guard case .stored(let original) = first else { throw Failure("first store: \(first)") }
            var changed = generated.dataSet(0)
            changed.set(.instanceNumber, string: "42")
            let bytes = try DICOMFile(dataSet: changed, transferSyntax: .implicitVRLittleEndian).encoded()
            let second = try await test.archive.store(part10: bytes)
            guard case .overwritten(let replaced) = second else { throw Failure("second store: \(second)") }
            #expect(replaced.blobKey != original.blobKey)
            #expect(replaced.transferSyntaxUID == TransferSyntax.implicitVRLittleEndian.uid.rawValue)
            #expect(try await test.index.statistics().instances == 1)
            #expect(try await test.blobKeys() == [replaced.blobKey])
            let content = try await test.archive.content(of: replaced).collect()
            #expect(content.reduce(into: ByteBuffer()) { $0.writeImmutableBuffer($1) } == bytes)
            let query = ArchiveQuery(model: .studyRoot, level: .image, returnKeys: [.instanceNumber])
            let numbers = try await test.archive.find(query).collect().map { $0.string(.instanceNumber) }
            #expect(numbers == ["42"])
            let json = try #require(try await test.archive.metadata(sopInstanceUID: replaced.sopInstanceUID))
            let metadata = try DICOMJSONDecoder().decode(json)
            #expect(metadata.string(.instanceNumber) == "42")
            // One row, but the overwrite is in the change feed.
            let changes = try await test.index.changes(after: 0, limit: 100)
            #expect(changes.last?.kind == .updated)
        }
    }

    @Test("a study indexed under another patient refuses the instance, with the reason", arguments: Backend.allCases)
    func conflictingPatient(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend) { test in
            _ = try await test.archive.store(part10: try generated.file(0))
            var other = generated.dataSet(1)
            other.set(.patientID, string: "SOMEONE-ELSE")
            let result = try await test.archive.store(
                part10: try DICOMFile(dataSet: other, transferSyntax: .explicitVRLittleEndian).encoded())
            let study = generated.studies[0]
            let patient = generated.patients[0]
            #expect(
                result
                    == .refused(
                        .studyBelongsToAnotherPatient(
                            study: study.uid, indexed: PatientIdentity(patientID: patient.id, issuer: patient.issuer),
                            received: PatientIdentity(patientID: "SOMEONE-ELSE", issuer: patient.issuer))))
            let statistics = try await test.index.statistics()
            #expect(statistics.patients == 1)
            #expect(statistics.instances == 1)
            #expect(try await test.blobKeys().count == 1)

            // Same Patient ID, other issuer: another patient, so also refused for this study.
            var issuer = generated.dataSet(1)
            issuer.set(.issuerOfPatientID, string: "SITE-Z")
            let refused = try await test.archive.store(
                part10: try DICOMFile(dataSet: issuer, transferSyntax: .explicitVRLittleEndian).encoded())
            guard case .refused(.studyBelongsToAnotherPatient) = refused else { throw Failure("\(refused)") }
        }
    }

    @Test("a series indexed under another study refuses the instance", arguments: Backend.allCases)
    func conflictingSeries(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend) { test in
            _ = try await test.archive.store(part10: try generated.file(0))
            var moved = generated.dataSet(1)
            moved.set(.studyInstanceUID, string: "1.2.3.999")
            let result = try await test.archive.store(
                part10: try DICOMFile(dataSet: moved, transferSyntax: .explicitVRLittleEndian).encoded())
            guard case .refused(.seriesBelongsToAnotherStudy(_, let indexed, let received)) = result else {
                throw Failure("\(result)")
            }
            #expect(indexed == generated.studies[0].uid)
            #expect(received == "1.2.3.999")
            #expect(try await test.index.statistics().studies == 1)
        }
    }

    @Test(
        "missing or malformed UIDs are refused before anything is written",
        arguments: Backend.allCases,
        [
            MissingUID(Tag.sopInstanceUID, nil), MissingUID(Tag.sopClassUID, nil),
            MissingUID(Tag.studyInstanceUID, nil), MissingUID(Tag.seriesInstanceUID, nil),
            MissingUID(Tag.studyInstanceUID, "1.2.abc"), MissingUID(Tag.sopInstanceUID, "1.02.3"),
            MissingUID(Tag.seriesInstanceUID, ""),
        ])
    func missingUIDs(backend: Backend, uid: MissingUID) async throws {
        let (tag, value) = (uid.tag, uid.value)
        let generated = GeneratedStudies()
        try await TestArchive.with(backend) { test in
            var dataSet = generated.dataSet(0)
            if let value { dataSet.set(tag, vr: .UI, string: value) } else { dataSet.remove(tag) }
            let bytes = try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
            let result = try await test.archive.store(part10: bytes)
            if let value, !value.isEmpty {
                #expect(result == .refused(.invalidUID(tag, value)))
            } else {
                #expect(result == .refused(.missingAttribute(tag)))
            }
            if case .refused(let refusal) = result { #expect(!refusal.description.isEmpty) }
            #expect(try await test.blobKeys().isEmpty)
            #expect(try await test.index.statistics().instances == 0)
        }
    }

    @Test("bytes that are no DICOM are refused as unreadable", arguments: Backend.allCases)
    func unreadable(backend: Backend) async throws {
        try await TestArchive.with(backend) { test in
            let result = try await test.archive.store(part10: ByteBuffer(string: "not a DICOM file at all"))
            guard case .refused(.unreadable) = result else { throw Failure("\(result)") }
            var truncated = try GeneratedStudies().file(0)
            truncated.moveWriterIndex(to: truncated.writerIndex - 7)
            let cut = try await test.archive.store(part10: truncated)
            guard case .refused(.unreadable) = cut else { throw Failure("\(cut)") }
            #expect(try await test.blobKeys().isEmpty)
        }
    }

    @Test(
        "instances of one new study stored concurrently make one patient and one study row", arguments: Backend.allCases
    )
    func concurrentNewStudy(backend: Backend) async throws {
        try await TestArchive.with(backend) { test in
            let count = 48
            let results = try await withThrowingTaskGroup(of: StoreResult.self) { group in
                for index in 0..<count {
                    group.addTask {
                        var dataSet = GeneratedStudies().dataSet(0)
                        dataSet.set(.seriesInstanceUID, string: "1.2.826.0.1.3680043.10.1137.99.\(index % 4)")
                        dataSet.set(.sopInstanceUID, string: "1.2.826.0.1.3680043.10.1137.99.\(index % 4).\(index)")
                        dataSet.set(.modality, string: index % 4 == 0 ? "MR" : "CT")
                        let bytes = try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
                        return try await test.archive.store(part10: bytes)
                    }
                }
                return try await group.collect()
            }
            #expect(results.allSatisfy { if case .stored = $0 { true } else { false } })
            let statistics = try await test.index.statistics()
            #expect(statistics.patients == 1)
            #expect(statistics.studies == 1)
            #expect(statistics.series == 4)
            #expect(statistics.instances == count)
            let query = ArchiveQuery(
                model: .studyRoot, level: .study,
                returnKeys: [.numberOfStudyRelatedInstances, .numberOfStudyRelatedSeries, .modalitiesInStudy])
            let studies = try await test.archive.find(query).collect()
            #expect(studies.count == 1)
            #expect(studies.first?.string(.numberOfStudyRelatedInstances) == String(count))
            #expect(studies.first?.string(.numberOfStudyRelatedSeries) == "4")
            #expect(studies.first?.strings(.modalitiesInStudy) == ["CT", "MR"])
        }
    }

    @Test(
        "a blob written without its index row (a crash between the two) is swept; indexed blobs stay",
        arguments: Backend.allCases)
    func orphanSweep(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend) { test in
            for index in 0..<3 { _ = try await test.archive.store(part10: try generated.file(index)) }
            let orphan = try #require(BlobKey("1.2.3/4.5.6.00000000deadbeef.dcm"))
            _ = try await test.blobs.put(orphan, bytes: try generated.file(5))
            let partial = test.location.directory + "/blobs/incoming/crashed.part"
            _ = FileManager.default.createFile(atPath: partial, contents: Data([1, 2]))

            let young = try await test.archive.sweepOrphans()
            #expect(young.orphansRemoved == 0)  // within the grace period: may be a store in progress
            let report = try await test.archive.sweepOrphans(olderThan: 0)
            #expect(report.orphansRemoved == 1)
            #expect(report.incompleteRemoved == 1)
            #expect(report.examined == 4)
            let keys = try await test.blobKeys()
            #expect(keys.count == 3)
            #expect(!keys.contains(orphan))
            for instance in try await test.archive.instances(matching: ArchiveQuery(model: .studyRoot, level: .image))
                .collect()
            {
                #expect(keys.contains(instance.blobKey))
            }
        }
    }

    @Test("a bare data set (C-STORE) is kept as a Part 10 file around its unchanged bytes", arguments: Backend.allCases)
    func bareDataSet(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend) { test in
            let bytes = try generated.dataSet(2).encoded(in: .implicitVRLittleEndian)
            let result = try await test.archive.store(
                dataSet: bytes, transferSyntax: .implicitVRLittleEndian, sourceAETitle: "MODALITY")
            guard case .stored(let instance) = result else { throw Failure("\(result)") }
            let content = try await test.archive.content(of: instance).collect()
                .reduce(into: ByteBuffer()) { $0.writeImmutableBuffer($1) }
            let file = try DICOMFile(reading: content)
            #expect(file.transferSyntax == .implicitVRLittleEndian)
            #expect(file.meta.string(.sourceApplicationEntityTitle) == "MODALITY")
            #expect(file.meta.string(.mediaStorageSOPInstanceUID) == generated.instances[2].uid)
            #expect(
                content.getSlice(at: content.readableBytes - bytes.readableBytes, length: bytes.readableBytes) == bytes)
            #expect(file.dataSet == generated.dataSet(2))
        }
    }

    @Test("metadata comes from the index as DICOM JSON, pixel data as a bulk data URI", arguments: Backend.allCases)
    func metadata(backend: Backend) async throws {
        let generated = GeneratedStudies()
        // The generated pixel data is 128 bytes: over this threshold, under the default one.
        try await TestArchive.with(backend, configuration: Archive.Configuration(bulkDataThreshold: 64)) { test in
            guard case .stored(let instance) = try await test.archive.store(part10: try generated.file(0)) else {
                throw Failure("not stored")
            }
            let stored = try #require(try await test.index.metadata(sopInstanceUID: instance.sopInstanceUID))
            #expect(stored.encoding == .deflatedJSON)
            let json = try #require(try await test.archive.metadata(sopInstanceUID: instance.sopInstanceUID))
            #expect(String(buffer: json).contains("\"BulkDataURI\":\"apus-bulk:7FE00010\""))
            let decoded = try DICOMJSONDecoder().decode(json)
            #expect(decoded.string(.patientName) == "Smith^John")
            #expect(decoded.string(.sopInstanceUID) == instance.sopInstanceUID)
            #expect(try await test.archive.metadata(sopInstanceUID: "1.2.3.4") == nil)
        }
    }

    @Test(
        "deleting a study removes its rows, its blobs and its empty patient; the feed records it",
        arguments: Backend.allCases)
    func delete(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend) { test in
            for index in generated.instances.indices {
                _ = try await test.archive.store(part10: try generated.file(index))
            }
            let before = try await test.index.statistics()
            let last = try await test.index.changes(after: 0, limit: 10_000).last?.sequence ?? 0
            // Patient 3 has studies 6 and 7; deleting both leaves no patient 3.
            var removedInstances = 0
            for study in generated.studies.suffix(2) {
                removedInstances += try await test.archive.delete(.study(study.uid))
            }
            let expected = generated.instances.filter { generated.series[$0.series].study >= 6 }.count
            #expect(removedInstances == expected)
            let after = try await test.index.statistics()
            #expect(after.instances == before.instances - expected)
            #expect(after.studies == before.studies - 2)
            #expect(after.patients == before.patients - 1)
            #expect(try await test.blobKeys().count == after.instances)
            let changes = try await test.index.changes(after: last, limit: 10_000)
            #expect(changes.allSatisfy { $0.kind == .deleted })
            #expect(changes.contains { $0.resource == .study(generated.studies[7].uid) })
            let patient = generated.patients[3]
            #expect(changes.last?.resource == .patient(PatientIdentity(patientID: patient.id, issuer: patient.issuer)))
        }
    }
}

/// A test failure with a message, for guards that can't continue.
/// A UID element to remove (nil) or set to a bad value.
struct MissingUID: Sendable, CustomTestStringConvertible {
    let tag: Tag
    let value: String?

    init(_ tag: Tag, _ value: String?) {
        self.tag = tag
        self.value = value
    }

    var testDescription: String { "\(tag) = \(value.map { "'\($0)'" } ?? "absent")" }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ThrowingTaskGroup {
    mutating func collect() async throws -> [ChildTaskResult] {
        var results: [ChildTaskResult] = []
        for try await result in self { results.append(result) }
        return results
    }
}
