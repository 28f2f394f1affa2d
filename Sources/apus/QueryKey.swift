import DICOM
import NIOCore

/// A `-k` argument of `apus find`, as findscu takes them: `Path[=Value]`. The path is a
/// keyword (`PatientName`) or a tag (`0010,0010`, `(0010,0010)`), or goes into sequence
/// items: `ReferencedStudySequence[0].ReferencedSOPClassUID` (`Seq.Key` is item 0). No
/// value, or an empty one, asks for the attribute back (universal matching).
struct QueryKey: Sendable, Equatable {
    struct Step: Sendable, Equatable {
        var tag: Tag
        /// The item of a sequence the path goes into.
        var item: Int?
    }

    var path: [Step]
    var value: String?

    struct Invalid: Error, Equatable, CustomStringConvertible {
        var key: String
        var why: String
        var description: String { "-k \(key): \(why)" }
    }

    /// Items deeper than this in a path are not believed.
    static let maximumItem = 1_000

    init(path: [Step], value: String?) {
        self.path = path
        self.value = value
    }

    init(parsing text: String) throws(Invalid) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let pathText = parts.first.map(String.init) ?? ""
        value = parts.count > 1 ? String(parts[1]) : nil
        var steps: [Step] = []
        for component in pathText.split(separator: ".", omittingEmptySubsequences: false) {
            steps.append(try Self.step(String(component), in: text))
        }
        for step in steps.dropLast() where DataDictionary.entry(for: step.tag)?.vr != .SQ {
            throw Invalid(key: text, why: "\(Self.name(step.tag)) is not a sequence")
        }
        if let last = steps.last, last.item != nil, DataDictionary.entry(for: last.tag)?.vr != .SQ {
            throw Invalid(key: text, why: "\(Self.name(last.tag)) is not a sequence")
        }
        path = steps
    }

    private static func step(_ component: String, in key: String) throws(Invalid) -> Step {
        var name = component
        var item: Int?
        if component.hasSuffix("]"), let open = component.firstIndex(of: "[") {
            let digits = component[component.index(after: open)..<component.index(before: component.endIndex)]
            guard let index = Int(digits), (0...maximumItem).contains(index) else {
                throw Invalid(key: key, why: "item index \"\(digits)\" is not 0 to \(maximumItem)")
            }
            item = index
            name = String(component[..<open])
        }
        guard !name.isEmpty else { throw Invalid(key: key, why: "no attribute named") }
        if let entry = DataDictionary.entry(forKeyword: name) { return Step(tag: entry.tag, item: item) }
        if let tag = Tag(hexString: name) { return Step(tag: tag, item: item) }
        throw Invalid(key: key, why: "\"\(name)\" is neither a keyword of the data dictionary nor gggg,eeee")
    }

    static func name(_ tag: Tag) -> String { DataDictionary.entry(for: tag)?.keyword ?? tag.description }

    /// Puts the key into `dataSet`, creating the sequence items on its path.
    func apply(to dataSet: inout DataSet, key: String) throws(Invalid) {
        try Self.apply(path[...], value: value, to: &dataSet, key: key)
    }

    private static func apply(
        _ steps: ArraySlice<Step>, value: String?, to dataSet: inout DataSet, key: String
    ) throws(Invalid) {
        guard let step = steps.first else { return }
        if steps.count == 1, step.item == nil {
            try set(step.tag, value, in: &dataSet, key: key)
            return
        }
        var items = dataSet[step.tag]?.items ?? []
        let index = step.item ?? 0
        while items.count <= index { items.append(DataSet(inheritedCharacterSet: dataSet.characterSet)) }
        try apply(steps.dropFirst(), value: value, to: &items[index], key: key)
        dataSet.set(step.tag, items: items)
    }

    /// The value in the tag's VR: text as it is (backslash between values), numbers and tags
    /// parsed; no value gives an empty element (an empty sequence for SQ).
    private static func set(_ tag: Tag, _ value: String?, in dataSet: inout DataSet, key: String) throws(Invalid) {
        let vr = DataDictionary.entry(for: tag)?.vr ?? .UN
        guard let value, !value.isEmpty else {
            if vr == .SQ {
                dataSet.set(tag, items: [])
            } else {
                dataSet.insert(DataElement(tag: tag, vr: vr, bytes: ByteBuffer()))
            }
            return
        }
        let values = value.split(separator: "\\", omittingEmptySubsequences: false).map(String.init)
        switch vr {
        case _ where vr.isString:
            dataSet.set(tag, vr: vr, strings: values)
        case .US, .SS, .UL, .SL, .SV, .UV:
            let numbers = values.compactMap { Int($0) }
            guard numbers.count == values.count else { throw Invalid(key: key, why: "\(vr) needs integers") }
            dataSet.set(tag, vr: vr, integers: numbers)
        case .FL, .FD:
            let numbers = values.compactMap { Double($0) }
            guard numbers.count == values.count else { throw Invalid(key: key, why: "\(vr) needs numbers") }
            dataSet.set(tag, vr: vr, doubles: numbers)
        case .AT:
            let tags = values.compactMap { DataDictionary.entry(forKeyword: $0)?.tag ?? Tag(hexString: $0) }
            guard tags.count == values.count else { throw Invalid(key: key, why: "AT needs tags (gggg,eeee)") }
            dataSet.set(tag, attributeTags: tags)
        case .UN:
            throw Invalid(key: key, why: "the VR of \(tag) is not known: only an empty value can be given")
        default:
            throw Invalid(key: key, why: "a value cannot be given for VR \(vr)")
        }
    }
}
