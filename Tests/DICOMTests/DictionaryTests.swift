import Testing

@testable import DICOM

/// The data dictionary and UID registry generated from pydicom 3.0.2 by
/// scripts/generate-dictionary.py. The counts are those the generator printed.
@Suite struct DictionaryTests {
    @Test func countsMatchTheGeneratedTables() {
        #expect(DataDictionary.standard.standardCount == 5091)
        #expect(DataDictionary.standard.repeatingCount == 88)
        // pydicom's 449, less BioPri3D, whose only keys are of the form (gggg,bbxx).
        #expect(DataDictionary.privateTable.creatorCount == 448)
        // pydicom's 10545, less 11 keys of the form (gggg,bbxx) that its lookup never matches.
        #expect(DataDictionary.privateTable.count == 10534)
        #expect(UIDRegistry.table.entries.count == 482)
        #expect(UIDRegistry.table.entries.filter { !$0.keyword.isEmpty }.count == 480)
    }

    @Test func wellKnownTags() throws {
        let patientName = try #require(DataDictionary.entry(for: Tag(0x0010, 0x0010)))
        #expect(patientName.keyword == "PatientName")
        #expect(patientName.name == "Patient's Name")
        #expect(patientName.vrs == [.PN])
        #expect(patientName.vr == .PN)
        #expect(patientName.vm == "1")
        #expect(!patientName.isRetired)

        let pixelData = try #require(DataDictionary.entry(for: Tag(0x7FE0, 0x0010)))
        #expect(pixelData.keyword == "PixelData")
        #expect(pixelData.vrs == [.OB, .OW])
        #expect(pixelData.vr == .OB)

        let rows = try #require(DataDictionary.entry(for: Tag(0x0028, 0x0010)))
        #expect(rows.keyword == "Rows")
        #expect(rows.vrs == [.US])

        #expect(DataDictionary.entry(for: Tag(0x0028, 0x0106))?.vrs == [.US, .SS])
        #expect(DataDictionary.entry(for: Tag(0x0028, 0x1200))?.vrs == [.US, .SS, .OW])
        #expect(DataDictionary.entry(for: Tag(0x0028, 0x3006))?.vrs == [.US, .OW])
        #expect(DataDictionary.entry(for: Tag(0x0028, 0x0010))?.vm == "1")
        #expect(DataDictionary.entry(for: Tag(0x0020, 0x0032))?.vm == "3")
        #expect(DataDictionary.entry(for: Tag(0x0018, 0x1149))?.vm == "1-2")
    }

    @Test func itemsAndDelimitersHaveNoVR() throws {
        let item = try #require(DataDictionary.entry(for: .item))
        #expect(item.keyword == "Item")
        #expect(item.vrs.isEmpty)
        #expect(item.vr == .UN)
        #expect(DataDictionary.entry(for: .sequenceDelimitationItem)?.vrs == [])
    }

    @Test func repeatingGroups() throws {
        let overlayData = try #require(DataDictionary.entry(for: Tag(0x6002, 0x3000)))
        #expect(overlayData.keyword == "OverlayData")
        #expect(overlayData.tag == Tag(0x6000, 0x3000))
        #expect(overlayData.vrs == [.OB, .OW])
        #expect(!overlayData.isRetired)
        #expect(DataDictionary.entry(for: Tag(0x6000, 0x3000))?.keyword == "OverlayData")
        #expect(DataDictionary.entry(for: Tag(0x601E, 0x0010))?.keyword == "OverlayRows")

        let curveData = try #require(DataDictionary.entry(for: Tag(0x5004, 0x3000)))
        #expect(curveData.keyword == "CurveData")
        #expect(curveData.isRetired)

        #expect(DataDictionary.entry(for: Tag(0x7F02, 0x0010))?.keyword == "VariablePixelData")
        #expect(DataDictionary.entry(for: Tag(0x0020, 0x3105))?.keyword == "SourceImageIDs")
        #expect(DataDictionary.entry(for: Tag(0x0028, 0x0410))?.keyword == "RowsForNthOrderCoefficients")
        #expect(DataDictionary.entry(for: Tag(0x0028, 0x0411))?.keyword == "ColumnsForNthOrderCoefficients")
        #expect(DataDictionary.entry(for: Tag(0x1000, 0x0120))?.keyword == "EscapeTriplet")
        #expect(DataDictionary.entry(for: Tag(0x1000, 0x0125))?.keyword == "ShiftTableTriplet")
        #expect(DataDictionary.entry(for: Tag(0x1010, 0x1234))?.keyword == "ZonalMap")
    }

    @Test func privateGroupsNeverMatchRepeatingMasks() {
        #expect(DataDictionary.entry(for: Tag(0x6001, 0x3000)) == nil)
        #expect(DataDictionary.entry(for: Tag(0x0029, 0x1010)) == nil)
    }

    @Test func unknownTags() {
        #expect(DataDictionary.entry(for: Tag(0x0010, 0x0011)) == nil)
        #expect(DataDictionary.entry(forKeyword: "NoSuchKeyword") == nil)
        #expect(DataDictionary.entry(forKeyword: "") == nil)
    }

    @Test func keywordLookup() {
        #expect(DataDictionary.entry(forKeyword: "PatientName")?.tag == Tag(0x0010, 0x0010))
        #expect(DataDictionary.entry(forKeyword: "SOPInstanceUID")?.tag == Tag(0x0008, 0x0018))
        #expect(DataDictionary.entry(forKeyword: "OverlayData")?.tag == Tag(0x6000, 0x3000))
        #expect(DataDictionary.entry(forKeyword: "patientName") == nil)
    }

    @Test func everyKeywordAndTagRoundTrips() {
        let table = DataDictionary.standard
        for entry in table.entries where !entry.keyword.isEmpty {
            #expect(DataDictionary.entry(forKeyword: entry.keyword) == entry)
        }
        for entry in table.entries.prefix(table.standardCount) {
            #expect(DataDictionary.entry(for: entry.tag) == entry)
        }
    }

    @Test func exactTagsWinOverRepeatingMasks() {
        // (0028,04x0) Rows For Nth Order Coefficients has the base tag (0028,0400), which is
        // (0028,0400) Transform Label; likewise (0028,0401)–(0028,0403).
        #expect(DataDictionary.entry(for: Tag(0x0028, 0x0400))?.keyword == "TransformLabel")
        #expect(DataDictionary.entry(for: Tag(0x0028, 0x0410))?.keyword == "RowsForNthOrderCoefficients")
        #expect(DataDictionary.entry(forKeyword: "RowsForNthOrderCoefficients")?.tag == Tag(0x0028, 0x0400))
    }

    @Test func retiredFlags() {
        #expect(DataDictionary.entry(for: Tag(0x0000, 0x0001))?.isRetired == true)
        #expect(DataDictionary.entry(for: Tag(0x0008, 0x0018))?.isRetired == false)
        #expect(DataDictionary.entry(forKeyword: "ReferencedImageBoxSequenceRetired")?.isRetired == true)
        #expect(DataDictionary.standard.entries.filter(\.isRetired).count == 495)
        // Retired attributes that the standard gives no keyword.
        let blank = DataDictionary.entry(for: Tag(0x0008, 0x0202))
        #expect(blank?.keyword == "")
        #expect(blank?.isRetired == true)
    }

    @Test func privateEntries() throws {
        let csa = try #require(DataDictionary.privateEntry(creator: "SIEMENS CSA HEADER", tag: Tag(0x0029, 0x1010)))
        #expect(csa.name == "CSA Image Header Info")
        #expect(csa.vrs == [.OB])
        #expect(csa.keyword == "")
        #expect(csa.tag == Tag(0x0029, 0x0010))
        // Any block, and the creator value as padded in a data set.
        #expect(DataDictionary.privateEntry(creator: "SIEMENS CSA HEADER ", tag: Tag(0x0029, 0x1110)) == csa)
        #expect(DataDictionary.privateEntry(creator: "SIEMENS CSA HEADER\0", tag: Tag(0x0029, 0x1210)) == csa)
        let seriesHeader = DataDictionary.privateEntry(creator: "SIEMENS CSA HEADER", tag: Tag(0x0029, 0x1020))
        #expect(seriesHeader?.name == "CSA Series Header Info")
        // The creator element itself, another group, another creator.
        #expect(DataDictionary.privateEntry(creator: "SIEMENS CSA HEADER", tag: Tag(0x0029, 0x0010)) == nil)
        #expect(DataDictionary.privateEntry(creator: "SIEMENS CSA HEADER", tag: Tag(0x0031, 0x1010)) == nil)
        #expect(DataDictionary.privateEntry(creator: "NO SUCH CREATOR", tag: Tag(0x0029, 0x1010)) == nil)
    }

    @Test func privateKeyForms() {
        // Exact key (0029,0001).
        #expect(DataDictionary.privateEntry(creator: "CANON_MEC_MR3", tag: Tag(0x0029, 0x0001))?.vrs == [.SQ])
        // (60xx,xx10): the group repeats as well as the block.
        let overlayRows = DataDictionary.privateEntry(creator: "PAPYRUS 3.0", tag: Tag(0x6003, 0x1110))
        #expect(overlayRows?.name == "Overlay Rows")
        #expect(overlayRows?.tag == Tag(0x6000, 0x0010))
        // pydicom's "OB_OW".
        #expect(DataDictionary.privateEntry(creator: "TOSHIBA_MEC_OT3", tag: Tag(0x7019, 0x1080))?.vrs == [.OB, .OW])
    }

    @Test func uidLookup() throws {
        #expect(UID.explicitVRLittleEndian.rawValue == "1.2.840.10008.1.2.1")
        #expect(UID.implicitVRLittleEndian.rawValue == "1.2.840.10008.1.2")
        #expect(UID.ctImageStorage.rawValue == "1.2.840.10008.5.1.4.1.1.2")

        let ct = try #require(UIDRegistry.entry(for: .ctImageStorage))
        #expect(ct.type == .sopClass)
        #expect(ct.name == "CT Image Storage")
        #expect(ct.keyword == "CTImageStorage")
        #expect(!ct.isRetired)

        let explicit = try #require(UIDRegistry.entry(forKeyword: "ExplicitVRLittleEndian"))
        #expect(explicit.uid == .explicitVRLittleEndian)
        #expect(explicit.type == .transferSyntax)
        #expect(UIDRegistry.entry(for: .explicitVRBigEndian)?.isRetired == true)
        #expect(UIDRegistry.entry(for: UID(unchecked: "1.2.3.4")) == nil)
        #expect(UIDRegistry.entry(forKeyword: "") == nil)
    }

    @Test func uidTypes() {
        #expect(UIDRegistry.entry(for: .verification)?.type == .sopClass)
        #expect(UIDRegistry.entries.count == 482)
        #expect(UIDRegistry.entries.first?.uid == .verification)
        #expect(UIDRegistry.entry(for: .dicomApplicationContext)?.type == .applicationContextName)
        #expect(UIDRegistry.entry(for: .dcmuid)?.type == .codingScheme)
        #expect(UIDRegistry.entry(for: .studyRootQueryRetrieveInformationModelFind)?.type == .sopClass)
        #expect(UIDRegistry.entry(for: .hotIronPalette)?.type == .wellKnownSOPInstance)
        #expect(UIDRegistry.table.entries.allSatisfy { $0.type != .other })
        for entry in UIDRegistry.table.entries {
            #expect(UID.isValid(entry.uid.rawValue))
            if !entry.keyword.isEmpty { #expect(UIDRegistry.entry(forKeyword: entry.keyword) == entry) }
        }
    }

    @Test func tagConstants() {
        #expect(Tag.patientName == Tag(0x0010, 0x0010))
        #expect(Tag.sopInstanceUID == Tag(0x0008, 0x0018))
        #expect(Tag.rtPlanLabel == Tag(0x300A, 0x0002))
        #expect(Tag.xRayTubeCurrent == Tag(0x0018, 0x1151))
        #expect(Tag.pixelData == Tag(0x7FE0, 0x0010))
        #expect(Tag.rows == Tag(0x0028, 0x0010))
        #expect(Tag.transferSyntaxUID == Tag(0x0002, 0x0010))
        #expect(DataDictionary.entry(for: .studyInstanceUID)?.keyword == "StudyInstanceUID")
    }
}
