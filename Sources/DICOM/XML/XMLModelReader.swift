import NIOCore

/// Checks the structure of the Native DICOM Model (PS3.19 Table A.1.5-2) in parsed XML and turns
/// it into `NativeAttribute`s.
struct XMLModelReader {
    /// Items nested deeper than this many sequences are refused.
    let maximumDepth: Int

    /// The DicomAttribute children of the root or of an Item `depth` sequences down.
    func attributes(
        in parent: XMLElement, context: String, depth: Int
    ) throws(DICOMXMLError) -> [NativeAttribute] {
        guard depth <= maximumDepth else { throw .depthExceeded(offset: parent.offset, limit: maximumDepth) }
        var attributes: [NativeAttribute] = []
        attributes.reserveCapacity(parent.children.count)
        for child in parent.children {
            guard child.name == "DicomAttribute" else {
                throw .unexpectedElement(name: child.name, context: context)
            }
            attributes.append(try attribute(child, depth: depth))
        }
        return attributes
    }

    private func attribute(_ element: XMLElement, depth: Int) throws(DICOMXMLError) -> NativeAttribute {
        let tagText = element.attribute("tag") ?? ""
        guard tagText.utf8.count == 8, let tag = Tag(hexString: tagText) else { throw .badTag(tagText) }
        guard let vrText = element.attribute("vr") else { throw .missingVR(tag: tag) }
        guard let vr = VR(rawValue: vrText) else { throw .unknownVR(tag: tag, vr: vrText) }
        guard let kind = element.children.first?.name else { return NativeAttribute(tag: tag, vr: vr, content: .empty) }
        guard element.children.allSatisfy({ $0.name == kind }) else {
            throw .wrongValueType(tag: tag, vr: vr, reason: "children of more than one kind")
        }
        let children = Self.numbered(element.children)
        switch kind {
        case "Value":
            let scalars = children.map { child -> NativeAttribute.Scalar in
                child.text.isEmpty ? .null : .string(child.text)
            }
            return NativeAttribute(tag: tag, vr: vr, content: .values(scalars))
        case "PersonName":
            var names: [NativeAttribute.PersonNameGroups?] = []
            for child in children { names.append(try personName(child, tag: tag)) }
            return NativeAttribute(tag: tag, vr: vr, content: .personNames(names))
        case "Item":
            var items: [[NativeAttribute]] = []
            for (index, child) in children.enumerated() {
                let context = "\(tag.hexString) item \(index + 1)"
                items.append(try attributes(in: child, context: context, depth: depth + 1))
            }
            return NativeAttribute(tag: tag, vr: vr, content: .items(items))
        case "InlineBinary":
            guard children.count == 1, let only = children.first else {
                throw .wrongValueType(tag: tag, vr: vr, reason: "more than one InlineBinary")
            }
            guard let bytes = Base64.decode(only.text.utf8) else { throw .invalidInlineBinary(tag: tag) }
            return NativeAttribute(tag: tag, vr: vr, content: .inlineBinary(bytes))
        case "BulkData":
            guard children.count == 1, let only = children.first,
                let uri = only.attribute("uri") ?? only.attribute("uuid")
            else {
                throw .wrongValueType(tag: tag, vr: vr, reason: "BulkData needs one uri attribute")
            }
            return NativeAttribute(tag: tag, vr: vr, content: .bulkDataURI(uri))
        default:
            throw .unexpectedElement(name: kind, context: "DicomAttribute \(tag.hexString)")
        }
    }

    /// Values and items in the order of their `number` attributes (document order for those
    /// without a valid one).
    private static func numbered(_ children: [XMLElement]) -> [XMLElement] {
        children.enumerated()
            .sorted { lhs, rhs in
                let left = lhs.element.attribute("number").flatMap { Int($0) } ?? Int.max
                let right = rhs.element.attribute("number").flatMap { Int($0) } ?? Int.max
                return (left, lhs.offset) < (right, rhs.offset)
            }
            .map(\.element)
    }

    /// `<PersonName>` with `<Alphabetic>` (or PS3.19-2011's `<SingleByte>`), `<Ideographic>` and
    /// `<Phonetic>` groups of `<FamilyName>`…`<NameSuffix>` components.
    private func personName(
        _ element: XMLElement, tag: Tag
    ) throws(DICOMXMLError) -> NativeAttribute.PersonNameGroups? {
        if element.children.isEmpty { return nil }
        var name = NativeAttribute.PersonNameGroups()
        for group in element.children {
            let text = try components(of: group, tag: tag)
            switch group.name {
            case "Alphabetic", "SingleByte": name.alphabetic = text
            case "Ideographic": name.ideographic = text
            case "Phonetic": name.phonetic = text
            default: throw .unexpectedElement(name: group.name, context: "PersonName of \(tag.hexString)")
            }
        }
        return name
    }

    private func components(of group: XMLElement, tag: Tag) throws(DICOMXMLError) -> String {
        var parts = ["", "", "", "", ""]
        for component in group.children {
            guard let position = Self.componentNames.firstIndex(of: component.name) else {
                throw .unexpectedElement(name: component.name, context: "\(group.name) of \(tag.hexString)")
            }
            parts[position] = component.text
        }
        while let last = parts.last, last.isEmpty { parts.removeLast() }
        return parts.joined(separator: "^")
    }

    private static let componentNames = ["FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"]
}
