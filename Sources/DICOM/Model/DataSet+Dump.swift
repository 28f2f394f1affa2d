import NIOCore

/// A readable listing of a data set in the style of DCMTK's `dcmdump`: one line per element
/// with tag, VR, value, length, multiplicity and keyword; sequences indented.
public struct DumpFormatter: Sendable {
    /// Values longer than this many characters are cut with `...`.
    public var maximumValueWidth: Int

    public init(maximumValueWidth: Int = 64) {
        self.maximumValueWidth = maximumValueWidth
    }

    public func format(_ file: DICOMFile) -> String {
        var lines = ["# Dicom-File-Format", "", "# Dicom-Meta-Information-Header"]
        lines.append("# Used TransferSyntax: \(Self.name(of: file.transferSyntax.uid))")
        format(file.meta, depth: 0, into: &lines)
        lines.append("")
        lines.append("# Dicom-Data-Set")
        lines.append("# Used TransferSyntax: \(Self.name(of: file.transferSyntax.uid))")
        format(file.dataSet, depth: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    public func format(_ dataSet: DataSet) -> String {
        var lines: [String] = []
        format(dataSet, depth: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    static func name(of uid: UID) -> String {
        if let entry = UIDRegistry.entry(for: uid) { return "\(entry.name) (\(uid))" }
        return uid.rawValue
    }

    private func format(_ dataSet: DataSet, depth: Int, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        let characterSet = dataSet.characterSet
        for element in dataSet.elements {
            let keyword = keyword(for: element.tag, in: dataSet)
            switch element.value {
            case .sequence(let items):
                lines.append(line(indent, element.tag, "SQ", "(Sequence #=\(items.count))", "u/l", "1", keyword))
                for item in items {
                    lines.append(line(indent + "  ", .item, "na", "(Item #=\(item.count))", "u/l", "1", "Item"))
                    format(item, depth: depth + 2, into: &lines)
                    lines.append(
                        line(
                            indent + "  ", .itemDelimitationItem, "na", "(ItemDelimitationItem)", "0", "0",
                            "ItemDelimitationItem"))
                }
                lines.append(
                    line(
                        indent, .sequenceDelimitationItem, "na", "(SequenceDelimitationItem)", "0", "0",
                        "SequenceDelimitationItem"))
            case .encapsulated(let pixels):
                lines.append(
                    line(
                        indent, element.tag, element.vr.rawValue, "(PixelSequence #=\(pixels.fragments.count + 1))",
                        "u/l", "1", keyword))
                lines.append(
                    line(
                        indent + "  ", .item, "pi", "(offset table, \(pixels.basicOffsetTable.readableBytes) bytes)",
                        "\(pixels.basicOffsetTable.readableBytes)", "1", "Item"))
                for fragment in pixels.fragments {
                    lines.append(
                        line(
                            indent + "  ", .item, "pi", "(fragment, \(fragment.readableBytes) bytes)",
                            "\(fragment.readableBytes)", "1", "Item"))
                }
                lines.append(
                    line(
                        indent, .sequenceDelimitationItem, "na", "(SequenceDelimitationItem)", "0", "0",
                        "SequenceDelimitationItem"))
            case .bytes(let bytes):
                let values = element.strings(characterSet: characterSet)
                let text: String
                if element.vr.isString {
                    text = values.isEmpty ? "(no value available)" : "[" + values.joined(separator: "\\") + "]"
                } else if element.vr.binaryWidth != nil, element.vr != .OW, element.vr != .OF, element.vr != .OD,
                    element.vr != .OL, element.vr != .OV
                {
                    text = values.isEmpty ? "(no value available)" : values.joined(separator: "\\")
                } else {
                    text = hexPreview(bytes.readableBytesView, vr: element.vr)
                }
                lines.append(
                    line(
                        indent, element.tag, element.vr.rawValue, text, "\(bytes.readableBytes)", "\(values.count)",
                        keyword))
            }
        }
    }

    private func keyword(for tag: Tag, in dataSet: DataSet) -> String {
        if tag.isPrivateCreator { return "PrivateCreator" }
        if tag.isPrivate {
            if let creator = dataSet.privateCreator(of: tag),
                let entry = DataDictionary.privateEntry(creator: creator, tag: tag)
            {
                return entry.name.isEmpty ? "PrivateTag" : entry.name
            }
            return "PrivateTag"
        }
        if tag.isGroupLength { return DataDictionary.entry(for: tag)?.keyword ?? "GenericGroupLength" }
        return DataDictionary.entry(for: tag)?.keyword ?? "Unknown Tag & Data"
    }

    private func hexPreview(_ bytes: some Collection<UInt8>, vr: VR) -> String {
        var parts: [String] = []
        var width = 0
        for byte in bytes {
            let digits = String(byte, radix: 16)
            let part = digits.count == 1 ? "0" + digits : digits
            width += part.count + 1
            if width > maximumValueWidth {
                parts.append("...")
                break
            }
            parts.append(part)
        }
        return parts.isEmpty ? "(no value available)" : parts.joined(separator: "\\")
    }

    private func line(
        _ indent: String, _ tag: Tag, _ vr: String, _ value: String, _ length: String, _ multiplicity: String,
        _ keyword: String
    ) -> String {
        var shown = value
        if shown.count > maximumValueWidth { shown = String(shown.prefix(maximumValueWidth - 3)) + "..." }
        let head = "\(indent)\(tag.description.lowercased()) \(vr) \(shown)"
        let padding = max(1, 52 - head.count)
        return head + String(repeating: " ", count: padding) + "# \(length), \(multiplicity) \(keyword)"
    }
}
