import Archive
import DICOM
import Testing

@Suite("Queries against the generated studies")
struct QueryTests {
    struct Case: CustomStringConvertible {
        var model: InformationModel
        var level: String
        var keys: [(Tag, String)]
        var caseInsensitive = true

        var description: String {
            let keys = keys.map { "\(DataDictionary.entry(for: $0.0)?.keyword ?? "\($0.0)")=\($0.1)" }
            return "\(model.rawValue) \(level) \(keys.joined(separator: " ")) ci=\(caseInsensitive)"
        }
    }

    static let generated = GeneratedStudies()

    static var cases: [Case] {
        let studies = generated.studies
        let series = generated.series
        let instances = generated.instances
        let ct = GeneratedStudies.sopClasses["CT"] ?? ""
        let sr = GeneratedStudies.sopClasses["SR"] ?? ""
        var cases: [Case] = [
            // PATIENT level (Patient Root only)
            Case(model: .patientRoot, level: "PATIENT", keys: []),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientName, "smith*")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientName, "smith*")], caseInsensitive: false),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientName, "SMITH*")], caseInsensitive: false),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientName, "Smith^John")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientName, "smith^john")], caseInsensitive: false),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientName, "S?ITH*")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientName, "*ü*")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientName, "Smith^John\\O'Brien^Mary")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientID, "PID-001")]),
            Case(
                model: .patientRoot, level: "PATIENT", keys: [(.patientID, "PID-001"), (.issuerOfPatientID, "SITE-B")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientID, "PID-[3]")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientID, "PID-[*")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientBirthDate, "-19700101")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientBirthDate, "19700101-19800202")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientBirthDate, "20000101-")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientBirthDate, "19651231")]),
            Case(model: .patientRoot, level: "PATIENT", keys: [(.patientSex, "F")]),
        ]
        for model in [InformationModel.patientRoot, .studyRoot] {
            cases += [
                Case(model: model, level: "STUDY", keys: []),
                Case(model: model, level: "STUDY", keys: [(.studyDate, "20200101-20201231")]),
                Case(model: model, level: "STUDY", keys: [(.studyDate, "20200229\\20230915")]),
                Case(model: model, level: "STUDY", keys: [(.studyTime, "-1200")]),
                Case(model: model, level: "STUDY", keys: [(.studyTime, "1130")]),
                Case(model: model, level: "STUDY", keys: [(.studyTime, "1600-")]),
                Case(model: model, level: "STUDY", keys: [(.studyTime, "143015.5")]),
                Case(model: model, level: "STUDY", keys: [(.accessionNumber, "ACC-00?")]),
                Case(model: model, level: "STUDY", keys: [(.accessionNumber, "ACC-003")]),
                Case(model: model, level: "STUDY", keys: [(.studyInstanceUID, "\(studies[0].uid)\\\(studies[2].uid)")]),
                Case(model: model, level: "STUDY", keys: [(.modalitiesInStudy, "MR")]),
                Case(model: model, level: "STUDY", keys: [(.modalitiesInStudy, "CT\\SR")]),
                Case(model: model, level: "STUDY", keys: [(.modalitiesInStudy, "S*")]),
                Case(model: model, level: "STUDY", keys: [(.patientName, "müller*")]),
                Case(model: model, level: "STUDY", keys: [(.patientID, "PID-001"), (.studyDate, "-20200301")]),
                Case(model: model, level: "STUDY", keys: [(.referringPhysicianName, "doe*")]),
                Case(model: model, level: "STUDY", keys: [(.referringPhysicianName, "Doe*")], caseInsensitive: false),
                Case(model: model, level: "STUDY", keys: [(.studyDescription, "*Chest*")]),
                Case(model: model, level: "STUDY", keys: [(.studyID, "S1")]),
                Case(model: model, level: "SERIES", keys: []),
                Case(model: model, level: "SERIES", keys: [(.modality, "CT")]),
                Case(model: model, level: "SERIES", keys: [(.modality, "MR\\SR")]),
                Case(model: model, level: "SERIES", keys: [(.seriesNumber, "2")]),
                Case(model: model, level: "SERIES", keys: [(.studyInstanceUID, studies[5].uid), (.modality, "CT")]),
                Case(model: model, level: "SERIES", keys: [(.seriesDescription, "*ax*")]),
                Case(model: model, level: "SERIES", keys: [(.seriesDate, "20200101-20200630")]),
                Case(model: model, level: "SERIES", keys: [(.seriesTime, "0800-1200")]),
                Case(model: model, level: "SERIES", keys: [(.patientSex, "M"), (.studyDate, "20210101-")]),
                Case(model: model, level: "IMAGE", keys: []),
                Case(model: model, level: "IMAGE", keys: [(.sopClassUID, "\(ct)\\\(sr)")]),
                Case(model: model, level: "IMAGE", keys: [(.instanceNumber, "1")]),
                Case(model: model, level: "IMAGE", keys: [(.rows, "16")]),
                Case(model: model, level: "IMAGE", keys: [(.contentDate, "20200229")]),
                Case(model: model, level: "IMAGE", keys: [(.contentTime, "-0900")]),
                Case(model: model, level: "IMAGE", keys: [(.acquisitionDateTime, "20200610-20200610")]),
                Case(model: model, level: "IMAGE", keys: [(.acquisitionDateTime, "20200611133000+0100")]),
                Case(model: model, level: "IMAGE", keys: [(.acquisitionDateTime, "20200610100000-20200610120000")]),
                Case(model: model, level: "IMAGE", keys: [(.seriesInstanceUID, series[3].uid)]),
                Case(model: model, level: "IMAGE", keys: [(.sopInstanceUID, instances[7].uid)]),
                Case(model: model, level: "IMAGE", keys: [(.patientName, "smith*"), (.modality, "MR")]),
            ]
        }
        return cases
    }

    /// Loads the generated studies into a new archive once, for all the query tests.
    static func withLoadedArchive(
        _ backend: Backend, configuration: Archive.Configuration = Archive.Configuration(),
        _ body: (TestArchive) async throws -> Void
    ) async throws {
        try await TestArchive.with(backend, configuration: configuration, pageSize: 4) { test in
            for index in generated.instances.indices {
                let result = try await test.archive.store(part10: try generated.file(index))
                guard case .stored = result else { throw Failure("instance \(index): \(result)") }
            }
            try await body(test)
        }
    }

    static func identifier(_ testCase: Case) -> DataSet {
        var identifier = DataSet()
        identifier.set(.specificCharacterSet, vr: .CS, string: "ISO_IR 192")
        identifier.set(.queryRetrieveLevel, vr: .CS, string: testCase.level)
        for (tag, value) in testCase.keys {
            // US keys travel as binary numbers, like any US value.
            if DataDictionary.entry(for: tag)?.vr == .US, let number = Int(value) {
                identifier.set(tag, integers: [number])
            } else {
                identifier.set(tag, strings: [value])
            }
        }
        // Return keys that identify each answer.
        for tag in [Tag.patientID, .issuerOfPatientID, .studyInstanceUID, .seriesInstanceUID, .sopInstanceUID]
        where !identifier.contains(tag) {
            identifier.set(tag, strings: [])
        }
        return identifier
    }

    static func identity(of response: DataSet, level: String) -> String {
        switch level {
        case "PATIENT": "\(response.string(.patientID) ?? "")|\(response.string(.issuerOfPatientID) ?? "")"
        case "STUDY": response.string(.studyInstanceUID) ?? ""
        case "SERIES": response.string(.seriesInstanceUID) ?? ""
        default: response.string(.sopInstanceUID) ?? ""
        }
    }

    static func expected(_ testCase: Case) -> [String] {
        generated.entities(at: testCase.level).filter { entity in
            testCase.keys.allSatisfy { tag, value in
                if tag == .modalitiesInStudy {
                    return entity.modalities.contains {
                        ReferenceMatcher.matches(stored: $0, key: value, vr: .CS, caseInsensitive: false)
                    }
                }
                let vr = DataDictionary.entry(for: tag)?.vr ?? .UN
                return ReferenceMatcher.matches(
                    stored: entity.values[tag], key: value, vr: vr, caseInsensitive: testCase.caseInsensitive)
            }
        }.map(\.identity)
    }

    @Test(
        "each matching rule at each level of both models answers exactly the expected entities, in storage order",
        arguments: Backend.allCases)
    func matchingRules(backend: Backend) async throws {
        try await Self.withLoadedArchive(backend) { test in
            for testCase in Self.cases {
                let query = try ArchiveQuery(
                    identifier: Self.identifier(testCase), model: testCase.model,
                    caseInsensitivePersonNames: testCase.caseInsensitive)
                let responses = try await test.archive.find(query).collect()
                let actual = responses.map { Self.identity(of: $0, level: testCase.level) }
                let expected = Self.expected(testCase)
                #expect(actual == expected, "\(testCase)")
                if testCase.keys.isEmpty {
                    #expect(!actual.isEmpty, "\(testCase)")
                }
            }
        }
        // Guard against vacuous cases: most of them select some but not all entities.
        let selective = Self.cases.filter { testCase in
            let count = Self.expected(testCase).count
            return count > 0 && count < Self.generated.entities(at: testCase.level).count
        }
        #expect(selective.count > Self.cases.count * 2 / 3)
    }

    @Test("return keys are filled from the index, computed attributes included", arguments: Backend.allCases)
    func returnKeysAndComputedAttributes(backend: Backend) async throws {
        try await Self.withLoadedArchive(backend) { test in
            let studyKeys: [Tag] = [
                .patientName, .patientBirthDate, .studyDate, .studyTime, .accessionNumber, .studyDescription,
                .referringPhysicianName, .modalitiesInStudy, .numberOfStudyRelatedSeries,
                .numberOfStudyRelatedInstances,
            ]
            let studies = try await test.archive.find(
                ArchiveQuery(model: .studyRoot, level: .study, returnKeys: studyKeys)
            )
            .collect()
            let expectedStudies = Self.generated.entities(at: "STUDY")
            #expect(studies.count == expectedStudies.count)
            for (response, entity) in zip(studies, expectedStudies) {
                for tag in [Tag.patientName, .patientBirthDate, .studyDate, .studyTime, .accessionNumber] {
                    #expect(response.string(tag) == entity.values[tag], "\(tag)")
                }
                #expect(response.strings(.modalitiesInStudy) == entity.modalities)
                #expect(response.string(.numberOfStudyRelatedSeries) == String(entity.seriesCount))
                #expect(response.string(.numberOfStudyRelatedInstances) == String(entity.instanceCount))
            }

            let patients = try await test.archive.find(
                ArchiveQuery(
                    model: .patientRoot, level: .patient,
                    returnKeys: [
                        .issuerOfPatientID, .numberOfPatientRelatedStudies, .numberOfPatientRelatedSeries,
                        .numberOfPatientRelatedInstances,
                    ])
            ).collect()
            for (response, entity) in zip(patients, Self.generated.entities(at: "PATIENT")) {
                #expect(response.string(.patientID) == entity.values[.patientID])
                #expect(response.string(.numberOfPatientRelatedStudies) == String(entity.studyCount))
                #expect(response.string(.numberOfPatientRelatedSeries) == String(entity.seriesCount))
                #expect(response.string(.numberOfPatientRelatedInstances) == String(entity.instanceCount))
            }

            let series = try await test.archive.find(
                ArchiveQuery(
                    model: .studyRoot, level: .series, returnKeys: [.numberOfSeriesRelatedInstances, .modality])
            ).collect()
            for (response, entity) in zip(series, Self.generated.entities(at: "SERIES")) {
                #expect(response.string(.numberOfSeriesRelatedInstances) == String(entity.instanceCount))
                #expect(response.string(.modality) == entity.values[.modality])
                #expect(response.string(.studyInstanceUID) == entity.values[.studyInstanceUID])
            }

            let images = try await test.archive.find(
                ArchiveQuery(model: .studyRoot, level: .image, returnKeys: [.rows, .instanceNumber, .sopClassUID])
            ).collect()
            for (response, entity) in zip(images, Self.generated.entities(at: "IMAGE")) {
                #expect(response.int(.rows).map(String.init) == entity.values[.rows])
                #expect(response[.rows]?.vr == .US)
                #expect(response.string(.instanceNumber) == entity.values[.instanceNumber])
                #expect(response.string(.sopClassUID) == entity.values[.sopClassUID])
            }
        }
    }

    @Test(
        "limit and offset window the answers; results stream page by page; the cap holds", arguments: Backend.allCases)
    func limitsAndStreaming(backend: Backend) async throws {
        try await Self.withLoadedArchive(backend, configuration: Archive.Configuration(maximumQueryResults: 10)) {
            test in
            let all = Self.generated.entities(at: "IMAGE").map(\.identity)
            #expect(all.count > 10)
            var query = ArchiveQuery(model: .studyRoot, level: .image)
            // The index alone: no cap, pages of 4.
            let everything = try await test.index.query(query).collect().map { $0.values[.sopInstanceUID] ?? "" }
            #expect(everything == all)
            for (offset, limit) in [(0, 1), (3, 5), (7, 4), (9, 100), (all.count - 1, 10), (all.count, 3), (2, 0)] {
                query.offset = offset
                query.limit = limit
                let window = try await test.index.query(query).collect().map { $0.values[.sopInstanceUID] ?? "" }
                #expect(window == Array(all.dropFirst(offset).prefix(limit)), "offset \(offset) limit \(limit)")
            }
            // Through the archive, the cap of 10 applies whatever the query asks.
            query.offset = 0
            query.limit = nil
            #expect(try await test.archive.find(query).collect().count == 10)
            query.limit = 50
            #expect(try await test.archive.find(query).collect().count == 10)
            // Stopping early is fine: the stream is pulled, not pushed.
            var iterator = test.archive.find(query).makeAsyncIterator()
            #expect(try await iterator.next() != nil)
        }
    }

    @Test("retrieve selects the instances under the matching entities", arguments: Backend.allCases)
    func retrieveSelection(backend: Backend) async throws {
        try await Self.withLoadedArchive(backend) { test in
            let study = Self.generated.studies[5]
            let query = try ArchiveQuery(
                identifier: Self.identifier(
                    Case(model: .studyRoot, level: "STUDY", keys: [(.studyInstanceUID, study.uid)])),
                model: .studyRoot)
            let instances = try await test.archive.instances(matching: query).collect()
            let expected = Self.generated.instances.filter { Self.generated.series[$0.series].study == 5 }.map(\.uid)
            #expect(instances.map(\.sopInstanceUID) == expected)
            #expect(instances.allSatisfy { $0.studyInstanceUID == study.uid })
            let one = try #require(instances.first)
            #expect(try await test.index.instance(sopInstanceUID: one.sopInstanceUID) == one)
        }
    }
}
