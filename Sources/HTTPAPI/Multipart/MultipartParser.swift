import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A push parser for `multipart/*` bodies (RFC 2046 §5.1): bytes go in with `append`, events
/// come out of `next()` — a part's headers, pieces of its body as they arrive, its end.
///
/// It holds no more than the bytes appended and not yet returned, and returns body bytes as
/// soon as they cannot be the start of a delimiter, so a caller that appends only when `next()`
/// returns nil keeps at most one chunk plus a boundary in memory, whatever the part sizes.
/// The preamble and epilogue are skipped. Input is untrusted: every failure is a
/// `MultipartError`, and header sections and parts are bounded by `Limits`.
struct MultipartParser: Sendable {
    struct Limits: Sendable, Hashable {
        /// A part's header section (without the blank line) may not be longer.
        var maximumHeaderSize: Int
        /// A part's body may not be longer.
        var maximumPartSize: Int

        init(maximumHeaderSize: Int = 16 << 10, maximumPartSize: Int = 1 << 30) {
            self.maximumHeaderSize = maximumHeaderSize
            self.maximumPartSize = maximumPartSize
        }
    }

    enum Event: Sendable, Hashable {
        case partStart(MultipartPartHeaders)
        case bodyChunk(ByteBuffer)
        case partEnd
    }

    private enum State: Sendable, Hashable {
        case preamble
        /// After a delimiter that opens a part: its header section.
        case headers
        case body
        /// After the close delimiter: everything is ignored.
        case epilogue
    }

    /// What follows a candidate delimiter.
    private enum DelimiterEnd {
        case needMore
        /// Not a delimiter: the bytes are content.
        case notDelimiter
        /// `--`: the close delimiter; the index after it.
        case close(Int)
        /// Transport padding and CRLF: a part follows at the index.
        case open(Int)
    }

    let limits: Limits
    /// CRLF `--` boundary: what ends a part and starts the next.
    private let delimiter: [UInt8]
    private var buffer = ByteBuffer()
    private var state = State.preamble
    /// The body may open with the delimiter without its CRLF.
    private var atStart = true
    private var inputEnded = false
    private var partSize = 0

    init(boundary: String, limits: Limits = Limits()) {
        self.limits = limits
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// The close delimiter was read: the body is complete.
    var isComplete: Bool { state == .epilogue }

    mutating func append(_ chunk: ByteBuffer) {
        if state == .epilogue { return }
        // Mostly nothing is left over, and the chunk's bytes are taken without a copy.
        if buffer.readableBytes == 0 {
            buffer = chunk
            return
        }
        buffer.discardReadBytes()
        buffer.writeImmutableBuffer(chunk)
    }

    /// No more input will come: `next()` then fails if the body is incomplete.
    mutating func endInput() {
        inputEnded = true
    }

    /// The next event, or nil when more input is needed (or, if `isComplete`, none follows).
    mutating func next() throws(MultipartError) -> Event? {
        while true {
            switch state {
            case .preamble:
                if try !skipPreamble() { return nil }
            case .headers:
                return try readHeaders()
            case .body:
                return try readBody()
            case .epilogue:
                // A fresh buffer: clearing one that shares a chunk's storage would copy it.
                buffer = ByteBuffer()
                return nil
            }
        }
    }

    /// Finds the first delimiter; true when found and the state has moved on.
    private mutating func skipPreamble() throws(MultipartError) -> Bool {
        if atStart {
            // The first delimiter may open the body without a CRLF before it.
            let bare = delimiter.dropFirst(2)
            let available = min(buffer.readableBytes, bare.count)
            let prefix = buffer.getBytes(at: buffer.readerIndex, length: available) ?? []
            if prefix.elementsEqual(bare.prefix(available)) {
                if available < bare.count {
                    if inputEnded { throw .noDelimiter }
                    return false
                }
                switch delimiterEnd(at: bare.count) {
                case .needMore:
                    if inputEnded { throw .noDelimiter }
                    return false
                case .notDelimiter: atStart = false
                case .close(let end): return follow(delimiterEndingAt: end, opensPart: false)
                case .open(let end): return follow(delimiterEndingAt: end, opensPart: true)
                }
            }
            atStart = false
        }
        var from = 0
        while let index = findDelimiter(from: from) {
            switch delimiterEnd(at: index + delimiter.count) {
            case .needMore:
                buffer.moveReaderIndex(forwardBy: index)
                if inputEnded { throw .noDelimiter }
                return false
            case .notDelimiter: from = index + 2
            case .close(let end): return follow(delimiterEndingAt: end, opensPart: false)
            case .open(let end): return follow(delimiterEndingAt: end, opensPart: true)
            }
        }
        // Keep only what could be the start of a delimiter.
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes - partialDelimiterLength())
        if inputEnded { throw .noDelimiter }
        return false
    }

    private mutating func follow(delimiterEndingAt end: Int, opensPart: Bool) -> Bool {
        buffer.moveReaderIndex(forwardBy: end)
        state = opensPart ? .headers : .epilogue
        return true
    }

    private mutating func readHeaders() throws(MultipartError) -> Event? {
        let terminator: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
        let section: ByteBuffer?
        let consumed: Int
        if buffer.readableBytes >= 2, buffer.getBytes(at: buffer.readerIndex, length: 2) == [0x0D, 0x0A] {
            section = ByteBuffer()
            consumed = 2
        } else if let index = find(terminator, from: 0) {
            guard index <= limits.maximumHeaderSize else { throw .headersTooLong(limit: limits.maximumHeaderSize) }
            section = buffer.getSlice(at: buffer.readerIndex, length: index)
            consumed = index + 4
        } else {
            guard buffer.readableBytes <= limits.maximumHeaderSize + 3 else {
                throw .headersTooLong(limit: limits.maximumHeaderSize)
            }
            if inputEnded { throw .truncated }
            return nil
        }
        let headers = try MultipartPartHeaders(parsing: section ?? ByteBuffer())
        buffer.moveReaderIndex(forwardBy: consumed)
        state = .body
        partSize = 0
        return .partStart(headers)
    }

    private mutating func readBody() throws(MultipartError) -> Event? {
        var from = 0
        while let index = findDelimiter(from: from) {
            switch delimiterEnd(at: index + delimiter.count) {
            case .needMore:
                if index > 0 { return try bodyChunk(length: index) }
                if inputEnded { throw .truncated }
                return nil
            case .notDelimiter:
                from = index + 2
            case .close(let end):
                if index > 0 { return try bodyChunk(length: index) }
                return endPart(consuming: end, next: .epilogue)
            case .open(let end):
                if index > 0 { return try bodyChunk(length: index) }
                return endPart(consuming: end, next: .headers)
            }
        }
        let safe = buffer.readableBytes - partialDelimiterLength()
        if safe > 0 { return try bodyChunk(length: safe) }
        if inputEnded { throw .truncated }
        return nil
    }

    private mutating func endPart(consuming length: Int, next: State) -> Event {
        buffer.moveReaderIndex(forwardBy: length)
        state = next
        return .partEnd
    }

    private mutating func bodyChunk(length: Int) throws(MultipartError) -> Event? {
        partSize += length
        guard partSize <= limits.maximumPartSize else { throw .partTooLarge(limit: limits.maximumPartSize) }
        guard let chunk = buffer.readSlice(length: length) else { return nil }
        return .bodyChunk(chunk)
    }

    /// Classifies the bytes at `offset` (from the reader index), just after a boundary.
    private func delimiterEnd(at offset: Int) -> DelimiterEnd {
        let available = buffer.readableBytes - offset
        guard available >= 1, let first = buffer.getInteger(at: buffer.readerIndex + offset, as: UInt8.self) else {
            return inputEnded ? .notDelimiter : .needMore
        }
        if first == UInt8(ascii: "-") {
            guard available >= 2 else { return inputEnded ? .notDelimiter : .needMore }
            let second = buffer.getInteger(at: buffer.readerIndex + offset + 1, as: UInt8.self)
            return second == UInt8(ascii: "-") ? .close(offset + 2) : .notDelimiter
        }
        // Transport padding (RFC 2046: linear white space) before the CRLF, bounded.
        var position = offset
        while position - offset <= 256, let byte = buffer.getInteger(at: buffer.readerIndex + position, as: UInt8.self),
            byte == 0x20 || byte == 0x09
        {
            position += 1
        }
        if position - offset > 256 { return .notDelimiter }
        let left = buffer.readableBytes - position
        if left < 2 {
            if left == 1, buffer.getInteger(at: buffer.readerIndex + position, as: UInt8.self) != 0x0D {
                return .notDelimiter
            }
            return inputEnded ? .notDelimiter : .needMore
        }
        let crlf = buffer.getBytes(at: buffer.readerIndex + position, length: 2)
        return crlf == [0x0D, 0x0A] ? .open(position + 2) : .notDelimiter
    }

    /// The offset of `needle` in the readable bytes at or after `from`.
    private func find(_ needle: [UInt8], from: Int) -> Int? {
        guard let first = needle.first else { return nil }
        return buffer.withUnsafeReadableBytes { haystack -> Int? in
            guard let base = haystack.baseAddress else { return nil }
            var start = from
            let last = haystack.count - needle.count
            while start <= last {
                guard let hit = memchr(base + start, Int32(first), last - start + 1) else { return nil }
                let index = base.distance(to: UnsafeRawPointer(hit))
                let matches = needle.withUnsafeBytes { bytes in
                    bytes.baseAddress.map { memcmp(base + index, $0, needle.count) == 0 } ?? false
                }
                if matches { return index }
                start = index + 1
            }
            return nil
        }
    }

    /// The offset of the delimiter at or after `from`. Pixel data is full of CR bytes, and
    /// looking at each one (memchr, then memcmp) cost a fifth of a STOW's CPU; here sixteen
    /// positions at a time are tested for the delimiter's first byte and, at its distance,
    /// its last, and only where both match are the bytes between compared.
    private func findDelimiter(from: Int) -> Int? {
        buffer.withUnsafeReadableBytes { haystack -> Int? in
            delimiter.withUnsafeBytes { needle -> Int? in
                guard let base = haystack.baseAddress, let needleBase = needle.baseAddress, from >= 0 else {
                    return nil
                }
                let length = needle.count
                let count = haystack.count
                let firstByte = needle[0]
                let lastByte = needle[length - 1]
                func matches(at index: Int) -> Bool {
                    memcmp(base + index + 1, needleBase + 1, length - 2) == 0
                }
                var start = from
                let firsts = SIMD16<UInt8>(repeating: firstByte)
                let lasts = SIMD16<UInt8>(repeating: lastByte)
                while start + length - 1 + 16 <= count {
                    let heads = base.loadUnaligned(fromByteOffset: start, as: SIMD16<UInt8>.self)
                    let tails = base.loadUnaligned(fromByteOffset: start + length - 1, as: SIMD16<UInt8>.self)
                    let candidates = (heads .== firsts) .& (tails .== lasts)
                    if any(candidates) {
                        for lane in 0..<16 where candidates[lane] && matches(at: start + lane) {
                            return start + lane
                        }
                    }
                    start += 16
                }
                while start + length <= count {
                    if haystack[start] == firstByte, haystack[start + length - 1] == lastByte, matches(at: start) {
                        return start
                    }
                    start += 1
                }
                return nil
            }
        }
    }

    /// How many of the last readable bytes could begin a delimiter (a proper prefix of it):
    /// only those are kept back when the rest is returned.
    private func partialDelimiterLength() -> Int {
        buffer.withUnsafeReadableBytes { haystack in
            delimiter.withUnsafeBytes { needle in
                guard let base = haystack.baseAddress, let needleBase = needle.baseAddress else { return 0 }
                var length = min(haystack.count, needle.count - 1)
                while length > 0 {
                    let start = haystack.count - length
                    if haystack[start] == needle[0], memcmp(base + start, needleBase, length) == 0 { return length }
                    length -= 1
                }
                return 0
            }
        }
    }
}
