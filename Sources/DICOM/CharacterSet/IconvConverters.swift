/// The iconv descriptors one decode or encode call has opened, closed when it returns.
struct IconvConverters {
    private var decoders: [MultiByteCodec: IconvConverter] = [:]
    private var encoders: [MultiByteCodec: IconvConverter] = [:]

    /// Decodes `bytes` to UTF-8 and appends them to `output`. What iconv rejects becomes
    /// U+FFFD; `characterLength` tells how many bytes from a given lead byte to skip then.
    mutating func decode(
        _ bytes: UnsafeRawBufferPointer, codec: MultiByteCodec, into output: inout [UInt8],
        characterLength: (UInt8) -> Int
    ) {
        guard let converter = Self.converter(&decoders, codec: codec, from: codec.iconvName, to: "UTF-8") else {
            for _ in 0..<bytes.count { output.appendUTF8(Unicode.Scalar.replacement) }
            return
        }
        var offset = 0
        while offset < bytes.count {
            let (consumed, stop) = converter.convert(
                UnsafeRawBufferPointer(rebasing: bytes[offset...]), appendingTo: &output)
            offset += consumed
            guard stop != .finished, offset < bytes.count else { return }
            output.appendUTF8(Unicode.Scalar.replacement)
            offset += max(1, min(characterLength(bytes[offset]), bytes.count - offset))
            converter.reset()
        }
    }

    /// The bytes of `text` in `codec`, or nil when it has a character the codec lacks.
    mutating func encode(_ text: some StringProtocol, codec: MultiByteCodec) -> [UInt8]? {
        guard let converter = Self.converter(&encoders, codec: codec, from: "UTF-8", to: codec.iconvName) else {
            return nil
        }
        let utf8 = Array(text.utf8)
        var output: [UInt8] = []
        let (_, stop) = utf8.withUnsafeBytes { converter.convert($0, appendingTo: &output) }
        guard stop == .finished else {
            converter.reset()
            return nil
        }
        return output
    }

    private static func converter(
        _ cache: inout [MultiByteCodec: IconvConverter], codec: MultiByteCodec, from source: String, to target: String
    ) -> IconvConverter? {
        if let converter = cache[codec] { return converter }
        guard let converter = IconvConverter(from: source, to: target) else { return nil }
        cache[codec] = converter
        return converter
    }
}
