import NIOCore

/// Checks the structure of the DICOM JSON model (PS3.18 F.2.2) in parsed JSON and turns it into
/// `NativeAttribute`s; what the values mean for their VR is `NativeDataSetBuilder`'s concern.
struct JSONModelReader {
    /// Items nested deeper than this many sequences are refused.
    let maximumDepth: Int

    /// The attributes of a data set that is `depth` sequences down.
    func attributes(_ object: JSONObject, depth: Int) throws(DICOMJSONError) -> [NativeAttribute] {
        guard depth <= maximumDepth else { throw .depthExceeded(offset: object.offset, limit: maximumDepth) }
        var attributes: [NativeAttribute] = []
        attributes.reserveCapacity(object.members.count)
        for member in object.members {
            // Tag(hexString:) also takes "(gggg,eeee)"; a key is exactly eight digits.
            guard member.name.utf8.count == 8, let tag = Tag(hexString: member.name) else {
                throw .badTagKey(member.name)
            }
            attributes.append(try attribute(tag, member.value, depth: depth))
        }
        return attributes
    }

    private func attribute(_ tag: Tag, _ value: JSONValue, depth: Int) throws(DICOMJSONError) -> NativeAttribute {
        guard case .object = value else {
            throw .unexpectedType(context: tag.hexString, expected: "an attribute object", found: value.kind)
        }
        guard let vrValue = value[member: "vr"] else { throw .missingVR(tag: tag) }
        guard case .string(let vrText) = vrValue, let vr = VR(rawValue: vrText) else {
            if case .string(let vrText) = vrValue { throw .unknownVR(tag: tag, vr: vrText) }
            throw .unknownVR(tag: tag, vr: vrValue.kind)
        }
        let values = value[member: "Value"].flatMap { $0 == .null ? nil : $0 }
        let inline = value[member: "InlineBinary"]
        let uri = value[member: "BulkDataURI"]
        guard [values, inline, uri].compactMap({ $0 }).count <= 1 else {
            throw .wrongValueType(tag: tag, vr: vr, reason: "more than one of Value, InlineBinary and BulkDataURI")
        }
        if let inline {
            guard case .string(let text) = inline else {
                throw .wrongValueType(tag: tag, vr: vr, reason: "InlineBinary is \(inline.kind), not a string")
            }
            guard let bytes = Base64.decode(text.utf8) else { throw .invalidInlineBinary(tag: tag) }
            return NativeAttribute(tag: tag, vr: vr, content: .inlineBinary(bytes))
        }
        if let uri {
            guard case .string(let text) = uri else {
                throw .wrongValueType(tag: tag, vr: vr, reason: "BulkDataURI is \(uri.kind), not a string")
            }
            return NativeAttribute(tag: tag, vr: vr, content: .bulkDataURI(text))
        }
        guard let values else { return NativeAttribute(tag: tag, vr: vr, content: .empty) }
        guard case .array(let entries) = values else {
            throw .wrongValueType(tag: tag, vr: vr, reason: "Value is \(values.kind), not an array")
        }
        if entries.isEmpty { return NativeAttribute(tag: tag, vr: vr, content: .empty) }
        switch vr {
        case .SQ:
            return NativeAttribute(tag: tag, vr: vr, content: .items(try items(entries, of: tag, depth: depth + 1)))
        case .PN: return NativeAttribute(tag: tag, vr: vr, content: .personNames(try personNames(entries, tag: tag)))
        default: return NativeAttribute(tag: tag, vr: vr, content: .values(try scalars(entries, tag: tag, vr: vr)))
        }
    }

    private func items(
        _ entries: [JSONValue], of tag: Tag, depth: Int
    ) throws(DICOMJSONError) -> [[NativeAttribute]] {
        var items: [[NativeAttribute]] = []
        items.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            guard case .object(let object) = entry else {
                throw .unexpectedType(
                    context: "\(tag.hexString) item \(index + 1)", expected: "an object", found: entry.kind)
            }
            items.append(try attributes(object, depth: depth))
        }
        return items
    }

    /// PN values are objects of component groups (F.2.2); a plain string, which some writers
    /// send, is read as the PN text.
    private func personNames(
        _ entries: [JSONValue], tag: Tag
    ) throws(DICOMJSONError) -> [NativeAttribute.PersonNameGroups?] {
        var names: [NativeAttribute.PersonNameGroups?] = []
        names.reserveCapacity(entries.count)
        for entry in entries {
            switch entry {
            case .null:
                names.append(nil)
            case .string(let text):
                let groups = text.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
                var name = NativeAttribute.PersonNameGroups()
                name.alphabetic = groups.first ?? ""
                if groups.count > 1 { name.ideographic = groups[1] }
                if groups.count > 2 { name.phonetic = groups[2] }
                names.append(name)
            case .object:
                var name = NativeAttribute.PersonNameGroups()
                name.alphabetic = try group(entry, "Alphabetic", tag: tag)
                name.ideographic = try group(entry, "Ideographic", tag: tag)
                name.phonetic = try group(entry, "Phonetic", tag: tag)
                names.append(name)
            default:
                throw .wrongValueType(tag: tag, vr: .PN, reason: "a PN value is \(entry.kind), not an object")
            }
        }
        return names
    }

    private func group(_ name: JSONValue, _ member: String, tag: Tag) throws(DICOMJSONError) -> String {
        switch name[member: member] {
        case nil, .null?: return ""
        case .string(let text)?: return text
        case let other?: throw .wrongValueType(tag: tag, vr: .PN, reason: "\(member) is \(other.kind), not a string")
        }
    }

    private func scalars(
        _ entries: [JSONValue], tag: Tag, vr: VR
    ) throws(DICOMJSONError) -> [NativeAttribute.Scalar] {
        var scalars: [NativeAttribute.Scalar] = []
        scalars.reserveCapacity(entries.count)
        for entry in entries {
            switch entry {
            case .null: scalars.append(.null)
            case .string(let text): scalars.append(.string(text))
            case .number(let text): scalars.append(.number(text))
            default: throw .wrongValueType(tag: tag, vr: vr, reason: "\(entry.kind) in Value")
            }
        }
        return scalars
    }
}
