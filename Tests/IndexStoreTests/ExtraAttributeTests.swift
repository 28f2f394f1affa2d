import Archive
import DICOM
import Foundation
import NIOCore
import Testing

/// Configured extra indexed attributes (issue 4.3), on every backend: matched with the rules
/// of their VR, returned from the index, filled for entities stored before they were named,
/// and removed with their entity. Expectations are computed from `GeneratedStudies`' plain
/// values, never by asking the index.
@Suite("Extra indexed attributes")
struct ExtraAttributeTests {
    static let generated = GeneratedStudies()

    static let configured: [IndexedAttribute] = {
        (try? ExtraAttributes.parse(
            "patient:OtherPatientNames study:InstitutionName, series:ProtocolName image:AcquisitionDate image:00180086"))
            ?? []
    }()

    // The extra values of the generated instances, from their place in the hierarchy.
    static func institution(study: Int) -> String {
        ["General Hospital", "St. Mary Clinic", "GENERAL HOSPITAL ANNEX"][study % 3]
    }
    static func otherName(patient: Int) -> String { ["Alias^One", "alias^two", "Other^Three", "Alias^Four"][patient] }
    static func protocolName(series: Int) -> String { "PROTO-\(series % 4)" }
    static func acquisitionDate(instance: Int) -> String { generated.instances[instance].contentDate }
    static func echo(instance: Int) -> Int { instance % 3 + 1 }

    /// A generated instance with its extra attributes set.
    static func file(_ index: Int, institution: String? = nil) throws -> ByteBuffer {
        let instance = generated.instances[index]
        let study = generated.series[instance.series].study
        var dataSet = generated.dataSet(index)
        dataSet.set(.institutionName, string: institution ?? Self.institution(study: study))
        dataSet.set(.otherPatientNames, vr: .PN, string: otherName(patient: generated.studies[study].patient))
        dataSet.set(.protocolName, string: protocolName(series: instance.series))
        dataSet.set(.acquisitionDate, string: acquisitionDate(instance: index))
        dataSet.set(.echoNumbers, string: String(echo(instance: index)))
        return try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
    }

    static var configuration: Archive.Configuration {
        Archive.Configuration(extraAttributes: configured)
    }

    /// The unique keys of the answers to a query with `keys` at `level`.
    static func answers(
        _ archive: Archive, level: String, _ keys: [(Tag, String)], returning: [Tag] = [], unique: Tag
    ) async throws -> [String] {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, vr: .CS, string: level)
        for (tag, value) in keys { identifier.set(tag, strings: [value]) }
        for tag in returning where !identifier.contains(tag) { identifier.set(tag, strings: []) }
        let query = try archive.query(identifier: identifier, model: .patientRoot)
        return try await archive.find(query).collect().compactMap { $0.string(unique) }.sorted()
    }

    @Test("extra attributes match like built-in ones and come back from the index", arguments: Backend.allCases)
    func matchAndReturn(backend: Backend) async throws {
        let generated = Self.generated
        try await TestArchive.with(backend, configuration: Self.configuration) { test in
            for index in generated.instances.indices { _ = try await test.archive.store(part10: try Self.file(index)) }
            let archive = test.archive
            let studies = generated.studies.indices
            let series = generated.series.indices
            let instances = generated.instances.indices

            // Text at STUDY level: single value and wild cards, case-sensitive as for LO.
            #expect(
                try await Self.answers(
                    archive, level: "STUDY", [(.institutionName, "General Hospital")], unique: .studyInstanceUID)
                    == studies.filter { Self.institution(study: $0) == "General Hospital" }.map {
                        generated.studies[$0].uid
                    }.sorted())
            #expect(
                try await Self.answers(
                    archive, level: "STUDY", [(.institutionName, "*Hosp*")], unique: .studyInstanceUID)
                    == studies.filter { Self.institution(study: $0).contains("Hosp") }.map {
                        generated.studies[$0].uid
                    }.sorted())
            // Person name at PATIENT level: case-insensitive wild cards.
            #expect(
                try await Self.answers(archive, level: "PATIENT", [(.otherPatientNames, "ALIAS*")], unique: .patientID)
                    == generated.patients.indices.filter { Self.otherName(patient: $0).uppercased().hasPrefix("ALIAS") }
                    .map { generated.patients[$0].id }.sorted())
            // Series, with a built-in key beside it.
            #expect(
                try await Self.answers(
                    archive, level: "SERIES", [(.protocolName, "PROTO-1"), (.modality, "CT")],
                    unique: .seriesInstanceUID)
                    == series.filter {
                        Self.protocolName(series: $0) == "PROTO-1" && generated.series[$0].modality == "CT"
                    }.map { generated.series[$0].uid }.sorted())
            // A date range and an integer at IMAGE level.
            #expect(
                try await Self.answers(
                    archive, level: "IMAGE", [(.acquisitionDate, "20200101-20201231")], unique: .sopInstanceUID)
                    == instances.filter { ("20200101"..."20201231").contains(Self.acquisitionDate(instance: $0)) }
                    .map { generated.instances[$0].uid }.sorted())
            #expect(
                try await Self.answers(archive, level: "IMAGE", [(.echoNumbers, "2")], unique: .sopInstanceUID)
                    == instances.filter { Self.echo(instance: $0) == 2 }.map { generated.instances[$0].uid }.sorted())

            // Return keys: every level's value, from the index.
            var identifier = DataSet()
            identifier.set(.queryRetrieveLevel, vr: .CS, string: "IMAGE")
            identifier.set(.sopInstanceUID, string: generated.instances[4].uid)
            for tag in [Tag.institutionName, .otherPatientNames, .protocolName, .acquisitionDate, .echoNumbers] {
                identifier.set(tag, strings: [])
            }
            let answer = try #require(
                try await archive.find(try archive.query(identifier: identifier, model: .patientRoot)).collect().first)
            let seriesIndex = generated.instances[4].series
            let studyIndex = generated.series[seriesIndex].study
            #expect(answer.string(.institutionName) == Self.institution(study: studyIndex))
            #expect(
                answer.string(.otherPatientNames) == Self.otherName(patient: generated.studies[studyIndex].patient))
            #expect(answer.string(.protocolName) == Self.protocolName(series: seriesIndex))
            #expect(answer.string(.acquisitionDate) == Self.acquisitionDate(instance: 4))
            #expect(answer.int(.echoNumbers) == Self.echo(instance: 4))
        }
    }

    @Test(
        "entities stored before an attribute was configured are filled from their metadata", arguments: Backend.allCases
    )
    func fillLater(backend: Backend) async throws {
        let generated = Self.generated
        let logger = TestArchive.logger
        try await backend.withLocation { location in
            let blobs = try await FileBlobStore(root: location.directory + "/blobs")
            try await backend.withIndex(at: location, logger: logger) { index in
                let plain = Archive(index: index, blobs: blobs, logger: logger)
                for index in generated.instances.indices { _ = try await plain.store(part10: try Self.file(index)) }
                let none = try await plain.fillExtraAttributes()
                #expect(none == 0)
            }
            try await backend.withIndex(at: location, pageSize: 3, logger: logger) { index in
                try await Self.checkFill(index: index, blobs: blobs)
            }
            // Dropped from the configuration, then named again: filled anew, since instances
            // stored meanwhile would have no value.
            try await backend.withIndex(at: location, logger: logger) { index in
                try await Self.checkDropAndRefill(index: index, blobs: blobs)
            }
        }
    }

    /// The configuration names the attributes now: every entity gets its value, once.
    static func checkFill(index: any IndexStore, blobs: FileBlobStore) async throws {
        let logger = TestArchive.logger
        let archive = Archive(index: index, blobs: blobs, configuration: configuration, logger: logger)
        // One value per patient, study and series, two per instance.
        let expected =
            generated.patients.count + generated.studies.count + generated.series.count + 2 * generated.instances.count
        let filled = try await archive.fillExtraAttributes(pageSize: 4)
        let again = try await archive.fillExtraAttributes()
        #expect(filled == expected)
        #expect(again == 0)
        let clinic = try await answers(
            archive, level: "STUDY", [(.institutionName, "St. Mary Clinic")], unique: .studyInstanceUID)
        let clinicExpected = generated.studies.indices.filter { institution(study: $0) == "St. Mary Clinic" }
        #expect(clinic == clinicExpected.map { generated.studies[$0].uid }.sorted())
        let echo3 = try await answers(archive, level: "IMAGE", [(.echoNumbers, "3")], unique: .sopInstanceUID)
        let echo3Expected = generated.instances.indices.filter { echo(instance: $0) == 3 }
        #expect(echo3 == echo3Expected.map { generated.instances[$0].uid }.sorted())
    }

    /// Dropped from the configuration, then named again: filled anew.
    static func checkDropAndRefill(index: any IndexStore, blobs: FileBlobStore) async throws {
        let logger = TestArchive.logger
        let without = Archive(index: index, blobs: blobs, logger: logger)
        let dropped = try await without.fillExtraAttributes()
        #expect(dropped == 0)
        let again = Archive(index: index, blobs: blobs, configuration: configuration, logger: logger)
        let refilled = try await again.fillExtraAttributes()
        #expect(refilled > 0)
    }

    @Test("a deleted study's values go with it; the study stored again has its new values", arguments: Backend.allCases)
    func deleteAndStoreAgain(backend: Backend) async throws {
        let generated = Self.generated
        try await TestArchive.with(backend, configuration: Self.configuration) { test in
            let study = generated.studies[7]
            let members = generated.instances.indices.filter {
                generated.series[generated.instances[$0].series].study == 7
            }
            for index in members { _ = try await test.archive.store(part10: try Self.file(index)) }
            let deleted = try await test.archive.delete(.study(study.uid))
            #expect(deleted == members.count)
            for index in members {
                _ = try await test.archive.store(part10: try Self.file(index, institution: "Renamed Institute"))
            }
            #expect(
                try await Self.answers(
                    test.archive, level: "STUDY", [(.institutionName, "Renamed Institute")],
                    unique: .studyInstanceUID) == [study.uid])
            #expect(
                try await Self.answers(
                    test.archive, level: "STUDY", [(.institutionName, Self.institution(study: 7))],
                    unique: .studyInstanceUID) == [])
        }
    }
}
