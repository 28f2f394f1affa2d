/// Decoded text as UTF-8. Consecutive multi-byte characters of one codec wait in a run,
/// so that iconv converts the run in one call rather than a character at a time.
struct DecodedText {
    private var utf8: [UInt8] = []
    private var run: [UInt8] = []
    private var runCodec: MultiByteCodec?
    private var converters = IconvConverters()

    init(capacity: Int) {
        utf8.reserveCapacity(capacity)
    }

    mutating func append(_ scalar: Unicode.Scalar) {
        flush()
        utf8.appendUTF8(scalar)
    }

    mutating func appendASCII(_ byte: UInt8) {
        flush()
        utf8.append(byte)
    }

    mutating func appendMultiByte(_ bytes: some Sequence<UInt8>, codec: MultiByteCodec) {
        if runCodec != codec {
            flush()
            runCodec = codec
        }
        run.append(contentsOf: bytes)
    }

    /// Decodes a whole stand-alone multi-byte value (GB18030, GBK).
    mutating func appendMultiByte(_ bytes: UnsafeBufferPointer<UInt8>, codec: MultiByteCodec) {
        flush()
        converters.decode(
            UnsafeRawBufferPointer(bytes), codec: codec, into: &utf8, characterLength: codec.characterLength)
    }

    mutating func finish() -> String {
        flush()
        return String(decoding: utf8, as: UTF8.self)
    }

    private mutating func flush() {
        guard let codec = runCodec else { return }
        run.withUnsafeBytes {
            converters.decode($0, codec: codec, into: &utf8, characterLength: codec.characterLength)
        }
        run.removeAll(keepingCapacity: true)
        runCodec = nil
    }
}
