// Placeholder until the generated dictionary lands: same API, a handful of tags.
public struct DictionaryEntry: Sendable, Hashable {
    public let tag: Tag
    public let keyword: String
    public let name: String
    public let vrs: [VR]
    public let vm: String
    public let isRetired: Bool
    public var vr: VR { vrs.first ?? .UN }
}
public enum DataDictionary {
    static let table: [UInt32: DictionaryEntry] = {
        let rows: [(UInt32, String, [VR])] = [
            (0x0002_0000, "FileMetaInformationGroupLength", [.UL]), (0x0002_0001, "FileMetaInformationVersion", [.OB]),
            (0x0002_0002, "MediaStorageSOPClassUID", [.UI]), (0x0002_0003, "MediaStorageSOPInstanceUID", [.UI]),
            (0x0002_0010, "TransferSyntaxUID", [.UI]), (0x0002_0012, "ImplementationClassUID", [.UI]),
            (0x0002_0013, "ImplementationVersionName", [.SH]), (0x0008_0005, "SpecificCharacterSet", [.CS]),
            (0x0008_0016, "SOPClassUID", [.UI]), (0x0008_0018, "SOPInstanceUID", [.UI]),
            (0x0010_0010, "PatientName", [.PN]), (0x0010_0020, "PatientID", [.LO]),
            (0x0028_0010, "Rows", [.US]), (0x0028_0011, "Columns", [.US]), (0x0028_0103, "PixelRepresentation", [.US]),
            (0x7FE0_0010, "PixelData", [.OB, .OW]), (0x0008_1115, "ReferencedSeriesSequence", [.SQ]),
        ]
        var table: [UInt32: DictionaryEntry] = [:]
        for (raw, keyword, vrs) in rows {
            table[raw] = DictionaryEntry(tag: Tag(rawValue: raw), keyword: keyword, name: keyword, vrs: vrs, vm: "1", isRetired: false)
        }
        return table
    }()
    public static func entry(for tag: Tag) -> DictionaryEntry? { table[tag.rawValue] }
    public static func entry(forKeyword keyword: String) -> DictionaryEntry? { table.values.first { $0.keyword == keyword } }
    public static func privateEntry(creator: String, tag: Tag) -> DictionaryEntry? { nil }
}
extension Tag {
    public static let transferSyntaxUID = Tag(0x0002, 0x0010)
    public static let fileMetaInformationGroupLength = Tag(0x0002, 0x0000)
    public static let fileMetaInformationVersion = Tag(0x0002, 0x0001)
    public static let mediaStorageSOPClassUID = Tag(0x0002, 0x0002)
    public static let mediaStorageSOPInstanceUID = Tag(0x0002, 0x0003)
    public static let implementationClassUID = Tag(0x0002, 0x0012)
    public static let implementationVersionName = Tag(0x0002, 0x0013)
    public static let sopClassUID = Tag(0x0008, 0x0016)
    public static let sopInstanceUID = Tag(0x0008, 0x0018)
    public static let pixelData = Tag(0x7FE0, 0x0010)
    public static let pixelRepresentation = Tag(0x0028, 0x0103)
    public static let specificCharacterSet = Tag(0x0008, 0x0005)
    public static let patientName = Tag(0x0010, 0x0010)
}
public struct UIDEntry: Sendable, Hashable { public let uid: UID; public let name: String; public let keyword: String }
public enum UIDRegistry { public static func entry(for uid: UID) -> UIDEntry? { nil } }
