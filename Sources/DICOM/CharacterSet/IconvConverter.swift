#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One iconv conversion descriptor.
///
/// A descriptor carries conversion state and is not thread-safe, so each one belongs to a
/// single decode or encode call and is closed when that call lets go of it.
final class IconvConverter {
    enum Stop {
        case finished
        /// A byte sequence (or character) that the source or target cannot represent.
        case invalid
        /// The input ends in the middle of a multi-byte character.
        case incomplete
    }

    private let descriptor: iconv_t

    init?(from source: String, to target: String) {
        guard let descriptor = iconv_open(target, source), Int(bitPattern: descriptor) != -1 else {
            return nil
        }
        self.descriptor = descriptor
    }

    deinit {
        iconv_close(descriptor)
    }

    /// Converts as much of `input` as iconv accepts, appending the result to `output`.
    func convert(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) -> (consumed: Int, stop: Stop) {
        guard let base = input.baseAddress, !input.isEmpty else { return (0, .finished) }
        // iconv's prototype is not const-correct; it only reads the input.
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
            mutating: base.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        var chunk = [UInt8](repeating: 0, count: max(64, input.count * 4))
        while true {
            let (stop, produced): (Stop?, Int) = chunk.withUnsafeMutableBytes { out in
                var outPointer = out.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = out.count
                let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                let produced = out.count - outLeft
                guard result == -1 else { return (.finished, produced) }
                switch errno {
                case E2BIG: return (nil, produced)
                case EINVAL: return (.incomplete, produced)
                default: return (.invalid, produced)
                }
            }
            output.append(contentsOf: chunk[0..<produced])
            if let stop { return (input.count - inLeft, stop) }
        }
    }

    /// Returns the descriptor to its initial shift state after a failed conversion.
    func reset() {
        _ = iconv(descriptor, nil, nil, nil, nil)
    }
}
