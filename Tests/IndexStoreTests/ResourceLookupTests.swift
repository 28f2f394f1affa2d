import Archive
import Foundation
import Testing

@Suite("Resources by REST id")
struct ResourceLookupTests {
    /// The ids of an instance of `GeneratedStudies` and of the entities above it, top first.
    static func expected(_ generated: GeneratedStudies, _ index: Int) -> [(QueryLevel, ResourceID, IndexedResource)] {
        let instance = generated.instances[index]
        let series = generated.series[instance.series]
        let study = generated.studies[series.study]
        let patient = PatientIdentity(
            patientID: generated.patients[study.patient].id, issuer: generated.patients[study.patient].issuer)
        return QueryLevel.allCases.map { level in
            let resource = IndexedResource(
                level: level, patient: patient, studyInstanceUID: level >= .study ? study.uid : nil,
                seriesInstanceUID: level >= .series ? series.uid : nil,
                sopInstanceUID: level >= .image ? instance.uid : nil, lastStored: 0)
            let id =
                switch level {
                case .patient: ResourceID.patient(patient)
                case .study: ResourceID.study(patient: patient, studyInstanceUID: study.uid)
                case .series:
                    ResourceID.series(patient: patient, studyInstanceUID: study.uid, seriesInstanceUID: series.uid)
                case .image:
                    ResourceID.instance(
                        patient: patient, studyInstanceUID: study.uid, seriesInstanceUID: series.uid,
                        sopInstanceUID: instance.uid)
                }
            return (level, id, resource)
        }
    }

    /// Checks that every entity of the generated studies is found by its id at its level only.
    static func checkLookups(_ index: any IndexStore, _ generated: GeneratedStudies, before: Double) async throws {
        for instance in generated.instances.indices {
            for (level, id, expected) in expected(generated, instance) {
                let found = try #require(try await index.resource(id, at: level), "\(level) \(id)")
                var withoutTime = found
                withoutTime.lastStored = 0
                #expect(withoutTime == expected)
                #expect(found.id() == id)
                #expect(found.lastStored >= before - 1 && found.lastStored <= Date().timeIntervalSince1970 + 1)
                for other in QueryLevel.allCases where other != level {
                    #expect(try await index.resource(id, at: other) == nil, "\(id) is no \(other)")
                }
            }
        }
    }

    @Test(
        "every patient, study, series and instance is found by its id, at its level only", arguments: Backend.allCases)
    func lookUp(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend) { test in
            let before = Date().timeIntervalSince1970
            for index in generated.instances.indices {
                _ = try await test.archive.store(part10: try generated.file(index))
            }
            try await Self.checkLookups(test.index, generated, before: before)
            let unknown = try #require(ResourceID("00000000-00000000-00000000-00000000-00000000"))
            for level in QueryLevel.allCases { #expect(try await test.index.resource(unknown, at: level) == nil) }
            // Two patients with one Patient ID and different issuers have different ids.
            let first = ResourceID.patient(PatientIdentity(patientID: "PID-001", issuer: "SITE-A"))
            let second = ResourceID.patient(PatientIdentity(patientID: "PID-001", issuer: "SITE-B"))
            #expect(first != second)
            #expect(try await test.index.resource(second, at: .patient)?.patient.issuer == "SITE-B")
        }
    }

    @Test(
        "a study's last stored time is its newest instance's; deleted entities are not found",
        arguments: Backend.allCases)
    func lastStoredAndDeleted(backend: Backend) async throws {
        let generated = GeneratedStudies()
        try await TestArchive.with(backend) { test in
            _ = try await test.archive.store(part10: try generated.file(0))
            let studyID = try #require(Self.expected(generated, 0).first { $0.0 == .study }?.1)
            let first = try #require(try await test.index.resource(studyID, at: .study))
            try await Task.sleep(for: .milliseconds(50))
            _ = try await test.archive.store(part10: try generated.file(1))
            let later = try #require(try await test.index.resource(studyID, at: .study))
            #expect(later.lastStored > first.lastStored)
            let instanceID = try #require(Self.expected(generated, 0).last?.1)
            try await test.archive.delete(.instance(generated.instances[0].uid))
            #expect(try await test.index.resource(instanceID, at: .image) == nil)
            #expect(try await test.index.resource(studyID, at: .study) != nil)
            try await test.archive.delete(.study(generated.studies[0].uid))
            #expect(try await test.index.resource(studyID, at: .study) == nil)
        }
    }
}
