import NIOCore

/// Output collected in an array and moved into a byte buffer in large chunks.
///
/// The JSON and XML encoders write mostly one to ten bytes at a time; each ByteBuffer write
/// costs a capacity check and a uniqueness check, which dominated the encoders' profile.
/// Appending to an array and copying 64 KiB at a time does not.
struct OutputBytes {
    private var buffer: ByteBuffer
    private var pending: [UInt8] = []
    private static let chunkSize = 1 << 16

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
        pending.reserveCapacity(Self.chunkSize + 1024)
    }

    mutating func append(_ byte: UInt8) {
        pending.append(byte)
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { pending.append(contentsOf: $0) }
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        pending.append(contentsOf: bytes)
        flushIfLarge()
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        pending.append(contentsOf: bytes)
        flushIfLarge()
    }

    mutating func append(_ bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
    }

    /// The UTF-8 of a string, unescaped.
    mutating func appendUTF8(_ text: String) {
        pending.append(contentsOf: text.utf8)
    }

    /// The decimal digits of a number.
    mutating func appendDecimal(_ value: UInt64) {
        var count = 1
        var scan = value
        while scan >= 10 {
            scan /= 10
            count += 1
        }
        let start = pending.count
        pending.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var rest = value
        for position in stride(from: start + count - 1, through: start, by: -1) {
            pending[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    /// A tag as eight uppercase hexadecimal digits, `GGGGEEEE`.
    mutating func appendHex(_ tag: Tag) {
        let raw = tag.rawValue
        for shift in stride(from: 28, through: 0, by: -4) {
            let digit = UInt8(truncatingIfNeeded: raw >> UInt32(shift) & 0xF)
            pending.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") + digit - 10)
        }
    }

    /// Appends the base64 encoding of `input` (RFC 4648 §4, padded).
    mutating func appendBase64(_ input: ByteBuffer) {
        input.withUnsafeReadableBytes { bytes in
            var index = 0
            while index < bytes.count {
                let end = min(bytes.count, index + Self.chunkSize / 4 * 3)
                Base64.encode(UnsafeRawBufferPointer(rebasing: bytes[index..<end]), into: &pending)
                index = end
                flushIfLarge()
            }
        }
    }

    /// Moves the collected bytes into the buffer once there are enough of them; callers call it
    /// between attributes, so that bulk values are not held twice for long.
    mutating func flushIfLarge() {
        if pending.count >= Self.chunkSize { flush() }
    }

    private mutating func flush() {
        buffer.writeBytes(pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Everything written, as one buffer.
    mutating func finish() -> ByteBuffer {
        flush()
        return buffer
    }
}
