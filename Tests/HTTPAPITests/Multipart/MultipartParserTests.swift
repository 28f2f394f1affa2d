import NIOCore
import Testing

@testable import HTTPAPI

@Suite struct MultipartParserTests {
    @Test func readsPartsSkippingPreambleAndEpilogue() throws {
        #expect(try Self.parse([Self.sampleBody]) == Self.sampleParts)
    }

    @Test func everySplitPositionGivesTheSameParts() throws {
        for split in 0...Self.sampleBody.count {
            let chunks = [Array(Self.sampleBody[..<split]), Array(Self.sampleBody[split...])]
            #expect(try Self.parse(chunks) == Self.sampleParts, "split at \(split)")
        }
    }

    @Test func everyPairOfSplitPositionsGivesTheSameParts() throws {
        for first in stride(from: 0, through: Self.sampleBody.count, by: 3) {
            for second in first...Self.sampleBody.count {
                let chunks = [
                    Array(Self.sampleBody[..<first]), Array(Self.sampleBody[first..<second]),
                    Array(Self.sampleBody[second...]),
                ]
                #expect(try Self.parse(chunks) == Self.sampleParts, "splits at \(first), \(second)")
            }
        }
    }

    @Test func oneByteChunks() throws {
        #expect(try Self.parse(Self.sampleBody.map { [$0] }) == Self.sampleParts)
    }

    @Test func bodyMayStartWithTheDelimiter() throws {
        let body = Array("--b\r\n\r\nxyz\r\n--b--".utf8)
        #expect(try Self.parse([body], boundary: "b") == [ParsedPart(headers: [:], body: Array("xyz".utf8))])
    }

    @Test func boundaryLookalikesInsideAPartAreContent() throws {
        let body = Array("--b\r\n\r\n\r\n--bx\r\n--b-\r\n--b--".utf8)
        #expect(
            try Self.parse([body], boundary: "b") == [ParsedPart(headers: [:], body: Array("\r\n--bx\r\n--b-".utf8))])
    }

    @Test func emptyBodyAndWrongBoundaryHaveNoDelimiter() {
        #expect(throws: MultipartError.noDelimiter) { try Self.parse([]) }
        #expect(throws: MultipartError.noDelimiter) { try Self.parse([Self.sampleBody], boundary: "OTHER") }
    }

    @Test func truncatedBodiesAreErrors() {
        // Every proper prefix that has passed the first delimiter lacks the close delimiter.
        let firstDelimiterEnd =
            Array(Self.sampleBody).count - Array("\r\n--BOUNDARY--\r\nepilogue --BOUNDARY\r\n".utf8).count
        for length in 40..<firstDelimiterEnd {
            #expect(throws: MultipartError.truncated, "length \(length)") {
                try Self.parse([Array(Self.sampleBody[..<length])])
            }
        }
    }

    @Test func headersAreBounded() {
        let body = Array(("--b\r\nX: " + String(repeating: "a", count: 100) + "\r\n\r\n--b--").utf8)
        #expect(throws: MultipartError.headersTooLong(limit: 50)) {
            try Self.parse([body], boundary: "b", limits: .init(maximumHeaderSize: 50))
        }
        // Without a terminator in sight, the parser stops buffering at the limit.
        let endless = Array(("--b\r\nX: " + String(repeating: "a", count: 100)).utf8)
        #expect(throws: MultipartError.headersTooLong(limit: 50)) {
            try Self.parse(endless.map { [$0] }, boundary: "b", limits: .init(maximumHeaderSize: 50))
        }
    }

    @Test func malformedHeaderLine() {
        #expect(throws: MultipartError.malformedHeader("no colon")) {
            try Self.parse([Array("--b\r\nno colon\r\n\r\nx\r\n--b--".utf8)], boundary: "b")
        }
    }

    @Test func partsAreBounded() throws {
        let body = Array(("--b\r\n\r\n" + String(repeating: "x", count: 1000) + "\r\n--b--").utf8)
        #expect(throws: MultipartError.partTooLarge(limit: 999)) {
            try Self.parse([body], boundary: "b", limits: .init(maximumPartSize: 999))
        }
        #expect(try Self.parse([body], boundary: "b", limits: .init(maximumPartSize: 1000)).first?.body.count == 1000)
    }

    @Test func bodyChunksAreReturnedBeforeThePartEnds() throws {
        var parser = MultipartParser(boundary: "b")
        parser.append(ByteBuffer(string: "--b\r\n\r\n" + String(repeating: "x", count: 100)))
        #expect(try parser.next() == .partStart(MultipartPartHeaders()))
        guard case .bodyChunk(let chunk) = try parser.next() else {
            Issue.record("no body chunk before the delimiter arrived")
            return
        }
        // None of the bytes could begin a delimiter: all are returned.
        #expect(chunk.readableBytes == 100)
        #expect(try parser.next() == nil)
        // What could begin one ("\r\n-" of "\r\n--b") is held back until more comes.
        parser.append(ByteBuffer(string: "yy\r\n-"))
        #expect(try parser.next() == .bodyChunk(ByteBuffer(string: "yy")))
        #expect(try parser.next() == nil)
        parser.append(ByteBuffer(string: "-c\r\n--b--"))
        #expect(try parser.next() == .bodyChunk(ByteBuffer(string: "\r\n--c")))
        #expect(try parser.next() == .partEnd)
    }

    /// Bodies made of the delimiter's own bytes (as pixel data is full of CR bytes), cut into
    /// random chunks: each part comes back exactly as it was written.
    @Test(arguments: ["z", "zz", String(repeating: "z", count: 70)])
    func contentOfDelimiterBytesComesBackWhole(boundary: String) throws {
        var generator = SplitMix64(seed: 0xB0B_D1C0)
        let alphabet = Array("\r\n-zZ".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        for round in 0..<200 {
            var contents: [[UInt8]] = []
            var body: [UInt8] = []
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                var content: [UInt8] = []
                for _ in 0..<Int.random(in: 0...300, using: &generator) {
                    content.append(alphabet.randomElement(using: &generator) ?? 0)
                    // Now and then most of a delimiter, which a chunk may end inside.
                    if Int.random(in: 0..<40, using: &generator) == 0 {
                        content += delimiter.prefix(Int.random(in: 1..<delimiter.count, using: &generator))
                    }
                }
                // A whole delimiter inside the content would end the part.
                while let range = content.firstRange(of: delimiter) {
                    content.remove(at: range.lowerBound)
                }
                contents.append(content)
                body += delimiter + Array("\r\n\r\n".utf8) + content
            }
            body += delimiter + Array("--".utf8)
            let chunks = Self.randomChunks(of: body, upTo: 64, using: &generator)
            #expect(try Self.parse(chunks, boundary: boundary).map(\.body) == contents, "round \(round)")
        }
    }

    /// Random chunkings of random bodies, and random mutations of valid ones: the parser
    /// either returns the parts or throws a MultipartError, and chunking never changes which.
    @Test func randomChunkingsAndMutationsNeverCrash() {
        var generator = SplitMix64(seed: 0x5107_5EED)
        for round in 0..<400 {
            var body = Self.makeRandomBody(using: &generator)
            if round % 2 == 1 {
                for _ in 0..<Int.random(in: 1...4, using: &generator) where !body.isEmpty {
                    let index = Int.random(in: 0..<body.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: body[index] = UInt8.random(in: 0...255, using: &generator)
                    case 1: body.remove(at: index)
                    default: body.insert(Array("\r\n-".utf8).randomElement(using: &generator) ?? 0, at: index)
                    }
                }
            }
            let whole = Self.outcome { () throws(MultipartError) in try Self.parse([body], boundary: "zz") }
            for _ in 0..<4 {
                let chunks = Self.randomChunks(of: body, upTo: 17, using: &generator)
                let chunked = Self.outcome { () throws(MultipartError) in try Self.parse(chunks, boundary: "zz") }
                #expect(chunked == whole, "round \(round)")
            }
        }
    }
}

extension MultipartParserTests {
    /// A part as the tests see it: headers and the whole body.
    struct ParsedPart: Equatable {
        var headers: [String: String]
        var body: [UInt8]
    }

    /// Feeds `chunks` to a parser (appending only when it asks for more) and collects the parts.
    static func parse(
        _ chunks: [[UInt8]], boundary: String = "BOUNDARY", limits: MultipartParser.Limits = .init()
    ) throws(MultipartError) -> [ParsedPart] {
        var parser = MultipartParser(boundary: boundary, limits: limits)
        var parts: [ParsedPart] = []
        var current: ParsedPart?
        var remaining = chunks[...]
        while true {
            if let event = try parser.next() {
                switch event {
                case .partStart(let headers):
                    current = ParsedPart(
                        headers: Dictionary(headers.fields.map { ($0.name.lowercased(), $0.value) }) { first, _ in first
                        },
                        body: [])
                case .bodyChunk(let chunk):
                    current?.body += chunk.readableBytesView
                case .partEnd:
                    if let part = current { parts.append(part) }
                    current = nil
                }
                continue
            }
            if parser.isComplete { return parts }
            guard let chunk = remaining.popFirst() else {
                parser.endInput()
                // After the end of input the parser must finish or throw, never ask again.
                if let event = try parser.next() {
                    if case .partEnd = event, let part = current { parts.append(part) }
                    current = nil
                    continue
                }
                if parser.isComplete { return parts }
                throw .truncated
            }
            parser.append(ByteBuffer(bytes: chunk))
        }
    }

    static let sampleBody = Array(
        """
        preamble to ignore\r
        --BOUNDARY\r
        Content-Type: application/dicom\r
        Content-Location: a\r
        \r
        first\r\n--BOUNDAR not yet\r
        --BOUNDARY  \t\r
        content-type: text/plain\r
        \r
        \r
        --BOUNDARY--\r
        epilogue --BOUNDARY\r

        """.utf8)

    static let sampleParts = [
        ParsedPart(
            headers: ["content-type": "application/dicom", "content-location": "a"],
            body: Array("first\r\n--BOUNDAR not yet".utf8)),
        ParsedPart(headers: ["content-type": "text/plain"], body: []),
    ]

    static func makeRandomBody(using generator: inout SplitMix64) -> [UInt8] {
        let alphabet = Array("zZ-\r\n :ab".utf8)
        var body: [UInt8] = Array("pre".utf8)
        for _ in 0..<Int.random(in: 0...3, using: &generator) {
            body += Array("\r\n--zz\r\nA: b\r\n\r\n".utf8)
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                body.append(alphabet.randomElement(using: &generator) ?? 0)
            }
        }
        body += Array("\r\n--zz--".utf8)
        return body
    }

    /// `body` cut into chunks of 1 to `size` bytes.
    static func randomChunks(of body: [UInt8], upTo size: Int, using generator: inout SplitMix64) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var rest = body[...]
        while !rest.isEmpty {
            let length = Int.random(in: 1...max(1, min(rest.count, size)), using: &generator)
            chunks.append(Array(rest.prefix(length)))
            rest = rest.dropFirst(length)
        }
        return chunks
    }

    /// A seeded generator, so that a failing round can be replayed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func outcome<Success>(_ body: () throws(MultipartError) -> Success) -> Result<Success, MultipartError> {
        do { return .success(try body()) } catch { return .failure(error) }
    }
}
