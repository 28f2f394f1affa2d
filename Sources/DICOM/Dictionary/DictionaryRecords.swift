/// Reads the generated tables (`Generated/*Records.swift`): string literals with one
/// record per line and fields separated by `|`. An array literal of thousands of struct
/// initialisers is slow to type-check; a string literal costs nothing, and parsing it
/// once at first use takes a few milliseconds.
struct DictionaryRecords {
    private let buffer: UnsafeBufferPointer<UInt8>
    private var ranges: [Range<Int>] = []

    private init(buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// Calls `body` with each non-empty line of `text`. The record is valid only during the call.
    static func forEach(in text: String, _ body: (DictionaryRecords) -> Void) {
        var text = text
        text.withUTF8 { buffer in
            var record = DictionaryRecords(buffer: buffer)
            var fieldStart = 0
            for index in buffer.indices {
                switch buffer[index] {
                case UInt8(ascii: "|"):
                    record.ranges.append(fieldStart..<index)
                    fieldStart = index + 1
                case UInt8(ascii: "\n"):
                    if !record.ranges.isEmpty || fieldStart < index {
                        record.ranges.append(fieldStart..<index)
                        body(record)
                    }
                    record.ranges.removeAll(keepingCapacity: true)
                    fieldStart = index + 1
                default:
                    break
                }
            }
            if fieldStart < buffer.count {
                record.ranges.append(fieldStart..<buffer.count)
                body(record)
            }
        }
    }

    var fieldCount: Int { ranges.count }

    func bytes(_ field: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: buffer[ranges[field]])
    }

    func string(_ field: Int) -> String {
        String(decoding: bytes(field), as: UTF8.self)
    }

    func isEmpty(_ field: Int) -> Bool { ranges[field].isEmpty }

    /// A field of hexadecimal digits in which `x` stands for any digit: the value with
    /// those digits as 0, and the mask of the digits that must match.
    func hexPattern(_ field: Int) -> (value: UInt32, mask: UInt32)? {
        let bytes = bytes(field)
        guard !bytes.isEmpty, bytes.count <= 8 else { return nil }
        var value: UInt32 = 0
        var mask: UInt32 = 0
        for byte in bytes {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            case UInt8(ascii: "x"):
                value <<= 4
                mask <<= 4
                continue
            default: return nil
            }
            value = value << 4 | digit
            mask = mask << 4 | 0xF
        }
        return (value, mask)
    }

    /// Two-letter VRs separated by commas, `US,SS`; an empty field gives no VR. The
    /// arrays are shared through `cache`: a few dozen combinations for thousands of entries.
    func vrs(_ field: Int, cache: inout [UInt64: [VR]]) -> [VR]? {
        let bytes = bytes(field)
        var key: UInt64 = 0
        for byte in bytes.prefix(8) { key = key << 8 | UInt64(byte) }
        if bytes.count <= 8, let cached = cache[key] { return cached }
        var result: [VR] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard index + 1 < bytes.endIndex, let vr = VR(byte0: bytes[index], byte1: bytes[index + 1]) else {
                return nil
            }
            result.append(vr)
            index += 3
        }
        if bytes.count <= 8 { cache[key] = result }
        return result
    }
}
