import Archive
import NIOCore

/// Turns the DICOM JSON the index keeps into what WADO-RS metadata answers: each placeholder
/// `apus-bulk:<path>` URI becomes an absolute URL under the instance's `bulk` resource.
///
/// Works on the bytes, without building a data set, because a study's metadata is thousands
/// of objects: the instance's UIDs are read from the top level of the object, and the
/// placeholders are found by the exact text `DICOMJSONEncoder` writes. That text cannot occur
/// inside a value, where the quotes would be escaped.
enum MetadataRewriter {
    static let placeholder = Array(("\"BulkDataURI\":\"" + InstanceMetadata.bulkDataScheme).utf8)

    /// The JSON with absolute bulk data URIs; unchanged when it holds no placeholder.
    static func rewrite(_ json: ByteBuffer, urls: DICOMwebURLs) -> ByteBuffer {
        let bytes = json.readableBytesView
        guard let first = firstMatch(of: placeholder, in: bytes, from: bytes.startIndex) else { return json }
        let uids = TopLevelUIDs.read(bytes)
        guard let study = uids.study, let series = uids.series, let instance = uids.instance else { return json }
        let replacement = Array(("\"BulkDataURI\":\"" + urls.bulkPrefix(study, series, instance)).utf8)
        var output = ByteBuffer()
        output.reserveCapacity(json.readableBytes + 256)
        var copied = bytes.startIndex
        var match: Int? = first
        while let found = match {
            output.writeBytes(bytes[copied..<found])
            output.writeBytes(replacement)
            copied = found + placeholder.count
            match = firstMatch(of: placeholder, in: bytes, from: copied)
        }
        output.writeBytes(bytes[copied...])
        return output
    }

    static func firstMatch(of pattern: [UInt8], in bytes: ByteBufferView, from start: Int) -> Int? {
        guard let head = pattern.first, pattern.count <= bytes.endIndex - start else { return nil }
        var index = start
        let last = bytes.endIndex - pattern.count
        while index <= last {
            if bytes[index] == head, bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }
}

/// The Study, Series and SOP Instance UIDs of a DICOM JSON object, from its top level only
/// (the same tags inside sequences, such as a referenced series, are other entities').
struct TopLevelUIDs {
    var study: String?
    var series: String?
    var instance: String?

    static func read(_ bytes: ByteBufferView) -> TopLevelUIDs {
        var result = TopLevelUIDs()
        var depth = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\""):
                let end = endOfString(bytes, from: index)
                // A member name of the top-level object: `"GGGGEEEE":`.
                if depth == 1, end - index == 9, end + 1 < bytes.endIndex, bytes[end + 1] == UInt8(ascii: ":") {
                    let key = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                    if ["0020000D", "0020000E", "00080018"].contains(key) {
                        let value = firstValue(bytes, from: end)
                        switch key {
                        case "0020000D": result.study = value
                        case "0020000E": result.series = value
                        default: result.instance = value
                        }
                    }
                }
                index = end
            default: break
            }
            index += 1
        }
        return result
    }

    /// The index of the closing quote of the string opening at `start`.
    private static func endOfString(_ bytes: ByteBufferView, from start: Int) -> Int {
        var index = start + 1
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index] == UInt8(ascii: "\"") { return index }
            index += 1
        }
        return bytes.endIndex
    }

    /// The first string of the `"Value":[…]` that follows, within the element's object.
    private static func firstValue(_ bytes: ByteBufferView, from start: Int) -> String? {
        let pattern = Array("\"Value\":[\"".utf8)
        guard let found = MetadataRewriter.firstMatch(of: pattern, in: bytes, from: start) else { return nil }
        // Only within this element's object: no closing brace before the value.
        guard !bytes[start..<found].contains(UInt8(ascii: "}")) else { return nil }
        let valueStart = found + pattern.count
        let valueEnd = endOfString(bytes, from: valueStart - 1)
        guard valueEnd <= bytes.endIndex, valueStart <= valueEnd else { return nil }
        return String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
    }
}
