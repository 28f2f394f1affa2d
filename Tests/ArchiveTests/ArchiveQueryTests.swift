import Archive
import DICOM
import Testing

@Suite("Query from a C-FIND identifier")
struct ArchiveQueryTests {
    static func identifier(_ level: String, _ keys: [(Tag, String)]) -> DataSet {
        var dataSet = DataSet()
        dataSet.set(.queryRetrieveLevel, vr: .CS, string: level)
        for (tag, value) in keys { dataSet.set(tag, strings: value.isEmpty ? [] : [value]) }
        return dataSet
    }

    static func rule(_ query: ArchiveQuery, _ tag: Tag) -> MatchRule? {
        query.matches.first { match in
            switch match.target {
            case .attribute(let attribute), .anyDescendant(let attribute), .extra(let attribute): attribute.tag == tag
            }
        }?.rule
    }

    @Test("empty values and a lone * are universal matching: return keys, no condition")
    func universal() throws {
        let query = try ArchiveQuery(
            identifier: Self.identifier("STUDY", [(.patientName, ""), (.studyDate, ""), (.accessionNumber, "*")]),
            model: .studyRoot)
        #expect(query.level == .study)
        #expect(query.matches.isEmpty)
        #expect(query.returnKeys == [.studyDate, .accessionNumber, .patientName])
    }

    @Test("each matching type is recognised from the VR and the value")
    func matchingTypes() throws {
        let query = try ArchiveQuery(
            identifier: Self.identifier(
                "IMAGE",
                [
                    (.patientName, "Sm?th*"), (.patientID, "PID-1"), (.studyInstanceUID, "1.2.3\\1.2.4"),
                    (.studyDate, "20200101-20201231"), (.seriesNumber, "7"), (.sopInstanceUID, "1.2.5"),
                ]),
            model: .patientRoot)
        #expect(Self.rule(query, .patientName) == .wildcard("Sm?th*"))
        #expect(Self.rule(query, .patientID) == .single("PID-1"))
        #expect(Self.rule(query, .studyInstanceUID) == .uidList(["1.2.3", "1.2.4"]))
        #expect(Self.rule(query, .studyDate) == .range(lower: "20200101", upper: "20201231"))
        #expect(Self.rule(query, .seriesNumber) == .integer(7))
        #expect(Self.rule(query, .sopInstanceUID) == .single("1.2.5"))
    }

    @Test("open ranges and single dates and times, at their precision")
    func ranges() throws {
        let query = try ArchiveQuery(
            identifier: Self.identifier(
                "STUDY", [(.studyDate, "-20201231"), (.studyTime, "1030"), (.patientBirthDate, "19700101-")]),
            model: .studyRoot)
        #expect(Self.rule(query, .studyDate) == .range(lower: nil, upper: "20201231"))
        #expect(Self.rule(query, .patientBirthDate) == .range(lower: "19700101", upper: nil))
        // 10:30:00.000000 to 10:30:59.999999, in microseconds since midnight.
        #expect(
            Self.rule(query, .studyTime) == .range(lower: "00037800000000".suffix(11).description, upper: "37859999999")
        )
    }

    @Test("a date-time's negative UTC offset is not a range separator")
    func dateTimeOffsets() throws {
        let single = try #require(MatchKey.dateTimeBounds("20200101120000-0500"))
        let utc = try #require(MatchKey.dateTimeBounds("20200101170000"))
        #expect(single.lower == utc.lower)
        let query = try ArchiveQuery(
            identifier: Self.identifier("IMAGE", [(.acquisitionDateTime, "20200101120000-0500")]), model: .studyRoot)
        #expect(Self.rule(query, .acquisitionDateTime) == .range(lower: utc.lower, upper: utc.upper))
        let range = try ArchiveQuery(
            identifier: Self.identifier("IMAGE", [(.acquisitionDateTime, "20200101-0500-20200102-0500")]),
            model: .studyRoot)
        let lower = try #require(MatchKey.dateTimeBounds("20200101-0500")).lower
        let upper = try #require(MatchKey.dateTimeBounds("20200102-0500")).upper
        #expect(Self.rule(range, .acquisitionDateTime) == .range(lower: lower, upper: upper))
        let years = try ArchiveQuery(
            identifier: Self.identifier("IMAGE", [(.acquisitionDateTime, "2019-2020")]), model: .studyRoot)
        #expect(
            Self.rule(years, .acquisitionDateTime)
                == .range(
                    lower: MatchKey.dateTimeBounds("2019")?.lower, upper: MatchKey.dateTimeBounds("2020")?.upper))
    }

    @Test("match keys order as time does")
    func matchKeysOrder() throws {
        let times = ["00", "000001", "000001.5", "0001", "09", "1030", "103001", "235959.999999"]
        let keys = times.compactMap { MatchKey.key(for: $0, kind: .time) }
        #expect(keys.count == times.count)
        #expect(keys == keys.sorted())
        let dateTimes = ["1999", "199912", "19991231", "1999123123", "2000", "20000101000000.000001", "2024"]
        let dateTimeKeys = dateTimes.compactMap { MatchKey.key(for: $0, kind: .dateTime) }
        #expect(dateTimeKeys.count == dateTimes.count)
        #expect(dateTimeKeys == dateTimeKeys.sorted())
        #expect(MatchKey.key(for: "1999.12.31", kind: .date) == "19991231")
        #expect(MatchKey.key(for: "Müller^Hans", kind: .personName) == "MÜLLER^HANS")
    }

    @Test("several values of a text key match any of them; ModalitiesInStudy matches series")
    func multipleValues() throws {
        let query = try ArchiveQuery(
            identifier: Self.identifier("STUDY", [(.modalitiesInStudy, "CT\\M?")]), model: .studyRoot)
        let match = try #require(query.matches.first)
        #expect(match.target == .anyDescendant(try #require(AttributeCatalog.attribute(for: .modality))))
        #expect(match.rule == .anyOf([.single("CT"), .wildcard("M?")]))
    }

    @Test("keys below the level and unknown keys are returned but not matched")
    func keysNotMatched() throws {
        let query = try ArchiveQuery(
            identifier: Self.identifier("STUDY", [(.modality, "CT"), (Tag(0x0009, 0x1001), "X")]), model: .studyRoot)
        #expect(query.matches.isEmpty)
        #expect(query.returnKeys.contains(.modality))
    }

    @Test("bad levels and bad key values are typed errors")
    func errors() {
        #expect(throws: QueryError.self) {
            try ArchiveQuery(identifier: Self.identifier("PATIENT", []), model: .studyRoot)
        }
        #expect(throws: QueryError.self) { try ArchiveQuery(identifier: DataSet(), model: .patientRoot) }
        #expect(throws: QueryError.self) {
            try ArchiveQuery(identifier: Self.identifier("STUDY", [(.studyDate, "2020-13-01")]), model: .studyRoot)
        }
        #expect(throws: QueryError.self) {
            try ArchiveQuery(identifier: Self.identifier("SERIES", [(.seriesNumber, "seven")]), model: .studyRoot)
        }
    }

    @Test("responses carry the level, every return key and the unique keys above")
    func response() throws {
        let query = try ArchiveQuery(
            identifier: Self.identifier("SERIES", [(.modality, ""), (.numberOfSeriesRelatedInstances, "")]),
            model: .patientRoot)
        let row = IndexRow(values: [
            .modality: "MR", .numberOfSeriesRelatedInstances: "3", .seriesInstanceUID: "1.2.3",
            .studyInstanceUID: "1.2",
            .patientID: "Ünïcode",
        ])
        let response = query.response(for: row)
        #expect(response.string(.queryRetrieveLevel) == "SERIES")
        #expect(response.string(.modality) == "MR")
        #expect(response.string(.numberOfSeriesRelatedInstances) == "3")
        #expect(response.string(.seriesInstanceUID) == "1.2.3")
        #expect(response.string(.studyInstanceUID) == "1.2")
        #expect(response.string(.patientID) == "Ünïcode")
        #expect(response.string(.specificCharacterSet) == "ISO_IR 192")
    }
}
