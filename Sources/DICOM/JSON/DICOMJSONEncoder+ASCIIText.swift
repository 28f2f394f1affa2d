/// String elements written from their bytes when the bytes are their own text (ASCII in a
/// character set that reads it as ASCII), as most are: no String per value, no array of them.
/// The JSON is the same as through `NativeContent`, which the other elements take.
extension DICOMJSONEncoder {
    /// Writes the element's `{"vr":…,"Value":[…]}`; false, having written nothing, when its
    /// bytes need decoding.
    func writeASCIIText(
        _ element: DataElement, bytes: UnsafeRawBufferPointer, characterSet: SpecificCharacterSet,
        into writer: inout JSONWriter
    ) -> Bool {
        let vr = element.vr
        guard let ranges = DataElement.asciiValueRanges(bytes, vr: vr, characterSet: characterSet) else {
            return false
        }
        writer.beginObject()
        writer.key("vr")
        writer.string(vr.rawValue)
        // One empty value is an empty attribute; among several, each empty one is null.
        if ranges.count > 1 || ranges.contains(where: { !$0.isEmpty }) {
            writer.key("Value")
            writer.beginArray()
            for range in ranges {
                let value = UnsafeRawBufferPointer(rebasing: bytes[range])
                if value.isEmpty {
                    writer.null()
                    continue
                }
                switch vr {
                case .PN: writePersonName(utf8: value, into: &writer)
                case .DS, .IS: writeDecimal(utf8: value, into: &writer)
                default: writer.string(utf8: value)
                }
            }
            writer.endArray()
        }
        writer.endObject()
        return true
    }

    /// A DS or IS value as a JSON number, copied when it already is one.
    private func writeDecimal(utf8 value: UnsafeRawBufferPointer, into writer: inout JSONWriter) {
        if NumberText.isPlainJSONNumber(value) {
            writer.number(text: value)
            return
        }
        let text = String(decoding: value, as: UTF8.self)
        if let number = NumberText.jsonNumber(fromDecimalString: text) {
            writer.number(text: number)
        } else {
            writer.string(text)
        }
    }

    /// A non-empty PN value as an object of its non-empty component groups (F.2.2), or null
    /// when it has none; the third group runs to the end, `=` and all.
    private func writePersonName(utf8 value: UnsafeRawBufferPointer, into writer: inout JSONWriter) {
        var groups: [Range<Int>] = []
        var start = 0
        for index in 0..<value.count where value[index] == UInt8(ascii: "=") && groups.count < 2 {
            groups.append(start..<index)
            start = index + 1
        }
        groups.append(start..<value.count)
        writePersonNameGroups(groups, into: &writer) { group, writer in
            writer.string(utf8: UnsafeRawBufferPointer(rebasing: value[group]))
        }
    }
}
