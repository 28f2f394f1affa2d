import DICOM
import NIOCore
import Testing

@testable import apus

/// `-k` keys of `apus find`, parsed and put into the identifier as findscu does.
@Suite("apus find: query keys")
struct QueryKeyTests {
    @Test func keywordsAndTagsWithAndWithoutValues() throws {
        #expect(try QueryKey(parsing: "PatientName=DOE*") == QueryKey(path: [.init(tag: .patientName)], value: "DOE*"))
        #expect(try QueryKey(parsing: "0010,0020=12=3") == QueryKey(path: [.init(tag: .patientID)], value: "12=3"))
        #expect(try QueryKey(parsing: "(0020,000D)") == QueryKey(path: [.init(tag: .studyInstanceUID)], value: nil))
        #expect(try QueryKey(parsing: "StudyDate=") == QueryKey(path: [.init(tag: .studyDate)], value: ""))
        #expect(
            try QueryKey(parsing: "ReferencedStudySequence[1].ReferencedSOPClassUID=1.2")
                == QueryKey(
                    path: [.init(tag: .referencedStudySequence, item: 1), .init(tag: .referencedSOPClassUID)],
                    value: "1.2"))
    }

    @Test(arguments: [
        "Nope=1", "PatientName.PatientID", "PatientName[0]", "ReferencedStudySequence[x].PatientID", "=DOE",
        "0010,00ZZ=1", "ReferencedStudySequence[5000].PatientID",
    ])
    func badKeysAreUsageErrors(key: String) {
        #expect(throws: QueryKey.Invalid.self) { try QueryKey(parsing: key) }
    }

    @Test func identifierInTheDictionaryVRs() throws {
        let identifier = try QueryIdentifier.build(
            keys: [
                "PatientName=DOE*", "StudyInstanceUID", "NumberOfStudyRelatedInstances", "Rows=512",
                "ReferencedStudySequence.ReferencedSOPInstanceUID=1.2.3", "ModalitiesInStudy=CT\\MR",
            ], level: "STUDY")
        #expect(identifier.string(.queryRetrieveLevel) == "STUDY")
        #expect(identifier[.patientName]?.vr == .PN)
        #expect(identifier.string(.patientName) == "DOE*")
        #expect(identifier[.studyInstanceUID]?.vr == .UI && identifier[.studyInstanceUID]?.valueLength == 0)
        #expect(identifier[.numberOfStudyRelatedInstances]?.vr == .IS)
        #expect(identifier.int(.rows) == 512 && identifier[.rows]?.vr == .US)
        #expect(identifier.strings(.modalitiesInStudy) == ["CT", "MR"])
        let items = try #require(identifier[.referencedStudySequence]?.items)
        #expect(items.count == 1 && items.first?.string(.referencedSOPInstanceUID) == "1.2.3")
        #expect(!identifier.contains(.specificCharacterSet))
    }

    @Test func levelOptionWinsOverAKeyAndAKeyOverTheDefault() throws {
        let fromKey = try QueryIdentifier.build(keys: ["QueryRetrieveLevel=SERIES"], level: nil)
        #expect(fromKey.string(.queryRetrieveLevel) == "SERIES")
        let fromOption = try QueryIdentifier.build(keys: ["QueryRetrieveLevel=SERIES"], level: "IMAGE")
        #expect(fromOption.string(.queryRetrieveLevel) == "IMAGE")
    }

    @Test func nonASCIIValuesGoInUTF8UnlessACharacterSetIsGiven() throws {
        let utf8 = try QueryIdentifier.build(keys: ["PatientName=Müller*"], level: "STUDY")
        #expect(utf8.string(.specificCharacterSet) == "ISO_IR 192")
        #expect(utf8.string(.patientName) == "Müller*")
        #expect(utf8[.patientName]?.bytes.map { Array($0.readableBytesView) } == Array("Müller*".utf8))
        // Latin-1, given after the name: still applied first.
        let latin1 = try QueryIdentifier.build(
            keys: ["PatientName=Müller*", "SpecificCharacterSet=ISO_IR 100"], level: "STUDY")
        #expect(latin1.string(.specificCharacterSet) == "ISO_IR 100")
        #expect(
            latin1[.patientName]?.bytes.map { Array($0.readableBytesView) } == [
                0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x2A, 0x20,
            ])
    }
}
