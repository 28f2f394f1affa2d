import Archive
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        json.withUnsafeReadableBytes { bytes in
            guard let first = firstMatch(of: placeholder, in: bytes, from: 0) else { return json }
            let uids = TopLevelUIDs.read(bytes)
            guard let study = uids.study, let series = uids.series, let instance = uids.instance else { return json }
            let replacement = Array(("\"BulkDataURI\":\"" + urls.bulkPrefix(study, series, instance)).utf8)
            var output = ByteBuffer()
            output.reserveCapacity(bytes.count + 256)
            var copied = 0
            var match: Int? = first
            while let found = match {
                output.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[copied..<found]))
                output.writeBytes(replacement)
                copied = found + placeholder.count
                match = firstMatch(of: placeholder, in: bytes, from: copied)
            }
            output.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[copied...]))
            return output
        }
    }

    /// Where `pattern` first occurs at or after `start`. libc's `memchr` finds the candidates
    /// (the rarest byte of the patterns used, `k`, else the first), which keeps this fast in
    /// debug builds too: a study's metadata is megabytes of JSON.
    static func firstMatch(of pattern: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, !pattern.isEmpty, start >= 0, pattern.count <= bytes.count - start
        else { return nil }
        let anchor = pattern.firstIndex(of: UInt8(ascii: "k")) ?? 0
        var position = start + anchor
        let last = bytes.count - pattern.count + anchor
        while position <= last {
            guard let found = memchr(base + position, Int32(pattern[anchor]), last - position + 1) else { return nil }
            let candidate = base.distance(to: UnsafeRawPointer(found)) - anchor
            if memcmp(base + candidate, pattern, pattern.count) == 0 { return candidate }
            position = candidate + anchor + 1
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

    var isComplete: Bool { study != nil && series != nil && instance != nil }

    static func read(_ buffer: ByteBuffer) -> TopLevelUIDs {
        buffer.withUnsafeReadableBytes { read($0) }
    }

    /// Stops once the three are found: they come early, elements being in tag order.
    static func read(_ bytes: UnsafeRawBufferPointer) -> TopLevelUIDs {
        var result = TopLevelUIDs()
        var depth = 0
        var index = 0
        while index < bytes.count, !result.isComplete {
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\""):
                let end = endOfString(bytes, from: index)
                // A member name of the top-level object: `"GGGGEEEE":`.
                if depth == 1, end - index == 9, end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: ":") {
                    let key = String(
                        decoding: UnsafeRawBufferPointer(rebasing: bytes[(index + 1)..<end]), as: UTF8.self)
                    switch key {
                    case "0020000D": result.study = firstValue(bytes, from: end)
                    case "0020000E": result.series = firstValue(bytes, from: end)
                    case "00080018": result.instance = firstValue(bytes, from: end)
                    default: break
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
    private static func endOfString(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index] == UInt8(ascii: "\"") { return index }
            index += 1
        }
        return bytes.count
    }

    /// The first string of the `"Value":[…]` that follows, within the element's object.
    private static let valuePattern = Array("\"Value\":[\"".utf8)

    private static func firstValue(_ bytes: UnsafeRawBufferPointer, from start: Int) -> String? {
        guard let found = MetadataRewriter.firstMatch(of: valuePattern, in: bytes, from: start) else { return nil }
        // Only within this element's object: no closing brace before the value.
        guard !bytes[start..<found].contains(UInt8(ascii: "}")) else { return nil }
        let valueStart = found + valuePattern.count
        let valueEnd = endOfString(bytes, from: valueStart - 1)
        guard valueStart <= valueEnd, valueEnd <= bytes.count else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd]), as: UTF8.self)
    }
}
