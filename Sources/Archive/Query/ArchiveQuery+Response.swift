public import DICOM
import NIOCore

extension ArchiveQuery {
    /// The response identifier for one answer (PS3.4 C.4.1.1.3.2): the Query/Retrieve Level,
    /// every return key (empty where the index has no value), and the unique keys of this
    /// level and those above. Text is UTF-8, declared as ISO_IR 192 when any value needs it.
    public func response(for row: IndexRow) -> DataSet {
        var tags = returnKeys
        for level in level.selfAndAncestors where model.levels.contains(level) {
            let unique = AttributeCatalog.uniqueKey(of: level)
            if !tags.contains(unique) { tags.append(unique) }
        }
        var dataSet = DataSet()
        if row.values.values.contains(where: { !$0.utf8.allSatisfy { $0 < 0x80 } }) {
            dataSet.set(.specificCharacterSet, vr: .CS, string: "ISO_IR 192")
        }
        dataSet.set(.queryRetrieveLevel, vr: .CS, string: level.rawValue)
        for tag in tags {
            let vr = DataDictionary.entry(for: tag)?.vr ?? .UN
            guard let value = row.values[tag] else {
                switch vr {
                case .SQ: dataSet.set(tag, items: [])
                case .UN: dataSet.set(tag, vr: .UN, bytes: ByteBuffer())
                default: dataSet.set(tag, vr: vr, strings: [])
                }
                continue
            }
            if ArchiveQuery.binaryIntegerVRs.contains(vr) {
                let numbers = value.split(separator: "\\").compactMap { Int($0) }
                dataSet.set(tag, vr: vr, integers: numbers)
            } else {
                dataSet.set(tag, vr: vr, strings: [value])
            }
        }
        return dataSet
    }

    /// VRs whose values the index keeps as numbers and the response encodes in binary.
    static let binaryIntegerVRs: Set<VR> = [.US, .SS, .UL, .SL, .SV, .UV]
}
