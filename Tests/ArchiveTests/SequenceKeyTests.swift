import DICOM
import Testing

@testable import Archive

@Suite("Sequence keys and in-memory matching")
struct SequenceKeyTests {
    static func item(_ step: String, _ procedure: String) -> DataSet {
        var item = DataSet()
        item.set(.scheduledProcedureStepID, string: step)
        item.set(.requestedProcedureID, string: procedure)
        return item
    }

    static let stored: DataSet = {
        var dataSet = DataSet()
        dataSet.set(.requestAttributesSequence, items: [item("SPS-1", "RP-1"), item("SPS-2", "RP-2")])
        return dataSet
    }()

    static func key(_ keys: [(Tag, String)]) throws -> SequenceKey {
        var item = DataSet()
        for (tag, value) in keys { item.set(tag, strings: value.isEmpty ? [] : [value]) }
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, vr: .CS, string: "SERIES")
        identifier.set(.requestAttributesSequence, items: keys.isEmpty ? [] : [item])
        let query = try ArchiveQuery(identifier: identifier, model: .studyRoot)
        return try #require(query.sequenceKeys.first)
    }

    @Test("the matching item comes back with the keys asked for; no match is nil")
    func matchingItem() throws {
        var nonASCII = false
        let key = try Self.key([(.scheduledProcedureStepID, "SPS-2"), (.requestedProcedureID, "")])
        let items = try #require(key.answer(from: Self.stored, caseInsensitive: true, nonASCII: &nonASCII))
        #expect(items.map { $0.string(.scheduledProcedureStepID) } == ["SPS-2"])
        #expect(items.map { $0.string(.requestedProcedureID) } == ["RP-2"])
        let none = try Self.key([(.scheduledProcedureStepID, "SPS-3")])
        #expect(none.answer(from: Self.stored, caseInsensitive: true, nonASCII: &nonASCII) == nil)
        #expect(none.answer(from: DataSet(), caseInsensitive: true, nonASCII: &nonASCII) == nil)
    }

    @Test("an empty sequence key returns every item whole, and matches an entity without the sequence")
    func universal() throws {
        var nonASCII = false
        let key = try Self.key([])
        #expect(!key.isMatching)
        #expect(key.answer(from: Self.stored, caseInsensitive: true, nonASCII: &nonASCII)?.count == 2)
        #expect(key.answer(from: DataSet(), caseInsensitive: true, nonASCII: &nonASCII) == [])
    }

    @Test("wild cards, ranges and case folding behave as in the index")
    func rules() {
        #expect(MatchRule.wildcard("SPS-*").matches("SPS-12", kind: .text, caseInsensitive: true))
        #expect(MatchRule.wildcard("S?S*2").matches("SPS-12", kind: .text, caseInsensitive: true))
        #expect(!MatchRule.wildcard("sps-*").matches("SPS-12", kind: .text, caseInsensitive: true))
        #expect(MatchRule.wildcard("doe*").matches("DOE^JOHN", kind: .personName, caseInsensitive: true))
        #expect(!MatchRule.wildcard("doe*").matches("DOE^JOHN", kind: .personName, caseInsensitive: false))
        #expect(MatchRule.wildcard("*a*b*").matches("xxaxxbxx", kind: .text, caseInsensitive: false))
        #expect(!MatchRule.wildcard("*a*b").matches("xxaxxbxx", kind: .text, caseInsensitive: false))
        #expect(MatchRule.range(lower: "20200101", upper: nil).matches("20210304", kind: .date, caseInsensitive: true))
        #expect(!MatchRule.range(lower: nil, upper: "20200101").matches("20210304", kind: .date, caseInsensitive: true))
        #expect(MatchRule.integer(7).matches(" 7", kind: .integer, caseInsensitive: true))
        #expect(MatchRule.uidList(["1.2", "1.3"]).matches("1.3", kind: .uid, caseInsensitive: true))
    }
}
