import NIOCore
import Testing

@testable import DICOM

/// Hand-made hostile input: absurd lengths, deep nesting, item tags where they don't belong,
/// deflate bombs, elements out of order. Each read ends in a value or a typed error, soon.
@Suite("hostile input")
struct HostileInputTests {
    static let explicitLE = "1.2.840.10008.1.2.1"
    static let implicitLE = "1.2.840.10008.1.2"
    static let deflated = "1.2.840.10008.1.2.1.99"
    static let jpeg2000 = "1.2.840.10008.1.2.4.90"

    /// Reads `body` behind a minimal meta, timing it. The limits catch hangs and runaway
    /// work, not slowness: they hold on a machine busy with other builds (CI's is not, but
    /// a developer's often is).
    func read(
        _ body: [UInt8], syntax: String = explicitLE, options: ReadOptions = ReadOptions(),
        limit: Duration = .seconds(30)
    ) -> Result<DICOMFile, DICOMReadError> {
        let input = ByteBuffer(bytes: RawEncoder.part10(transferSyntax: syntax, body: body))
        var result: Result<DICOMFile, DICOMReadError> = .failure(.notPart10(reason: "not run"))
        let elapsed = ContinuousClock().measure {
            result = Result { () throws(DICOMReadError) in try DICOMFile(reading: input, options: options) }
        }
        #expect(elapsed < limit, "\(body.count) bytes took \(elapsed)")
        return result
    }

    // MARK: Lengths

    @Test(arguments: [0xFFFF_FFF0, 0xFFFF_FFFE, 0x7FFF_FFFF, 0x8000_0000, 0x0001_0000] as [UInt32])
    func absurdLengths(length: UInt32) {
        var cases: [(String, [UInt8], String)] = []
        var element = RawEncoder()
        element.explicitHeader(Tag(0x0009, 0x1010), .OB, length: length)
        element.bytes += [1, 2, 3, 4]
        cases.append(("OB value", element.bytes, Self.explicitLE))
        var implicit = RawEncoder()
        implicit.implicitHeader(Tag(0x0010, 0x0010), length: length)
        implicit.bytes += Array("Doe^John".utf8)
        cases.append(("implicit value", implicit.bytes, Self.implicitLE))
        var sequence = RawEncoder()
        sequence.explicitHeader(Tag(0x0008, 0x1115), .SQ, length: length)
        sequence.item(length: 0)
        cases.append(("sequence", sequence.bytes, Self.explicitLE))
        var item = RawEncoder()
        item.explicitHeader(Tag(0x0008, 0x1115), .SQ, length: 0xFFFF_FFFF)
        item.item(length: length)
        item.explicit(Tag(0x0008, 0x1150), .UI, "1.2\0")
        cases.append(("item", item.bytes, Self.explicitLE))
        var fragment = RawEncoder()
        fragment.explicitHeader(.pixelData, .OB, length: 0xFFFF_FFFF)
        fragment.item(length: 0)
        fragment.item(length: length)
        fragment.bytes += [0xFF, 0xD8]
        cases.append(("fragment", fragment.bytes, Self.jpeg2000))
        var unknown = RawEncoder()
        unknown.explicitHeader(Tag(0x0008, 0x1115), .UN, length: length)
        unknown.item(length: length)
        cases.append(("UN sequence", unknown.bytes, Self.explicitLE))
        for (name, body, syntax) in cases {
            guard case .failure(let error) = read(body, syntax: syntax) else {
                Issue.record("\(name) of length \(length) was read")
                continue
            }
            #expect(error.isTruncation || error.isInvalidLength, "\(name): \(error)")
        }
    }

    @Test func absurdLengthInTheMetaInformation() {
        var file = RawEncoder()
        file.bytes = Array(repeating: 0, count: 128) + Array("DICM".utf8)
        file.explicitHeader(.fileMetaInformationVersion, .OB, length: 0xFFFF_FFF0)
        file.bytes += [0, 1]
        #expect(throws: DICOMReadError.self) { try DICOMFile(reading: file.buffer) }
    }

    // MARK: Nesting

    /// 10,000 undefined-length sequences, each in an undefined-length item of the one before.
    @Test(arguments: [false, true])
    func tenThousandNestedSequences(implicit: Bool) {
        var body = RawEncoder()
        for _ in 0..<10_000 {
            if implicit {
                body.implicitHeader(Tag(0x0009, 0x1010), length: 0xFFFF_FFFF)  // UN: a sequence
            } else {
                body.explicitHeader(Tag(0x0008, 0x1115), .SQ, length: 0xFFFF_FFFF)
            }
            body.item()
        }
        for _ in 0..<10_000 {
            body.itemEnd()
            body.sequenceEnd()
        }
        guard case .failure(let error) = read(body.bytes, syntax: implicit ? Self.implicitLE : Self.explicitLE) else {
            Issue.record("10,000 levels were read")
            return
        }
        #expect(error == .nestingTooDeep(offset: error.offset ?? 0, limit: ReadOptions().maximumDepth))
    }

    /// The same with defined lengths, computed from the outside in.
    @Test func tenThousandNestedDefinedLengthSequences() {
        let levels = 10_000
        var body = RawEncoder()
        for level in 0..<levels {
            let inner = UInt32(levels - level - 1) * 20
            body.explicitHeader(Tag(0x0008, 0x1115), .SQ, length: inner + 8)
            body.item(length: inner)
        }
        guard case .failure(let error) = read(body.bytes) else {
            Issue.record("10,000 levels were read")
            return
        }
        #expect(error.offset != nil && error == .nestingTooDeep(offset: error.offset ?? 0, limit: 64))
    }

    /// UN values of a known sequence are parsed as one (PS3.5 §6.2.2); nested 10,000 deep
    /// that fails, and the value stays UN bytes.
    @Test func tenThousandNestedUnknownVRSequences() throws {
        let levels = 10_000
        var body = RawEncoder()
        for level in 0..<levels {
            let inner = UInt32(levels - level - 1) * 16
            if level == 0 {
                body.explicitHeader(Tag(0x0008, 0x1115), .UN, length: inner + 8)
            } else {
                body.implicitHeader(Tag(0x0008, 0x1115), length: inner + 8)
            }
            body.item(length: inner)
        }
        let file = try read(body.bytes).get()
        #expect(file.dataSet[Tag(0x0008, 0x1115)]?.vr == .UN)
        #expect(file.dataSet[Tag(0x0008, 0x1115)]?.valueLength == levels * 16 - 8)
    }

    /// Nesting up to the limit reads, on the test's thread, in a debug build.
    @Test func nestingUpToTheLimitReads() throws {
        let levels = ReadOptions().maximumDepth
        var body = RawEncoder()
        for _ in 0..<levels {
            body.explicitHeader(Tag(0x0008, 0x1115), .SQ, length: 0xFFFF_FFFF)
            body.item()
        }
        body.explicit(Tag(0x0008, 0x1150), .UI, "1.2\0")
        for _ in 0..<levels {
            body.itemEnd()
            body.sequenceEnd()
        }
        let file = try read(body.bytes).get()
        var item = file.dataSet
        for _ in 0..<levels { item = try #require(item.sequence(Tag(0x0008, 0x1115))?.first) }
        #expect(item.string(Tag(0x0008, 0x1150)) == "1.2")
    }

    // MARK: Items and delimiters where they don't belong

    @Test func itemTagsInOddPlaces() {
        var cases: [(String, RawEncoder, expectRead: Bool)] = []
        var topLevelItem = RawEncoder()
        topLevelItem.explicit(Tag(0x0008, 0x0016), .UI, "1.2\0")
        topLevelItem.item(length: 0)
        cases.append(("item at the top level", topLevelItem, false))
        var strayDelimiters = RawEncoder()
        strayDelimiters.explicit(Tag(0x0008, 0x0016), .UI, "1.2\0")
        strayDelimiters.itemEnd()
        strayDelimiters.sequenceEnd()
        strayDelimiters.explicit(Tag(0x0008, 0x0018), .UI, "1.3\0")
        cases.append(("delimiters at the top level", strayDelimiters, true))
        var itemInItem = RawEncoder()
        itemInItem.explicitHeader(Tag(0x0008, 0x1115), .SQ, length: 0xFFFF_FFFF)
        itemInItem.item()
        itemInItem.item()
        cases.append(("item where an element belongs", itemInItem, false))
        var elementInSequence = RawEncoder()
        elementInSequence.explicitHeader(Tag(0x0008, 0x1115), .SQ, length: 0xFFFF_FFFF)
        elementInSequence.explicit(Tag(0x0008, 0x1150), .UI, "1.2\0")
        cases.append(("element where an item belongs", elementInSequence, false))
        var elementInFragments = RawEncoder()
        elementInFragments.explicitHeader(.pixelData, .OB, length: 0xFFFF_FFFF)
        elementInFragments.item(length: 0)
        elementInFragments.explicit(Tag(0x0008, 0x1150), .UI, "1.2\0")
        cases.append(("element among fragments", elementInFragments, false))
        var undelimitedFragments = RawEncoder()
        undelimitedFragments.explicitHeader(.pixelData, .OB, length: 0xFFFF_FFFF)
        undelimitedFragments.item(length: 0)
        undelimitedFragments.item(length: 2)
        undelimitedFragments.bytes += [0xFF, 0xD8]
        cases.append(("fragments without a delimiter", undelimitedFragments, false))
        var undelimitedItem = RawEncoder()
        undelimitedItem.explicitHeader(Tag(0x0008, 0x1115), .SQ, length: 0xFFFF_FFFF)
        undelimitedItem.item()
        undelimitedItem.explicit(Tag(0x0008, 0x1150), .UI, "1.2\0")
        cases.append(("item without a delimiter", undelimitedItem, false))
        var delimiterInDefinedItem = RawEncoder()
        delimiterInDefinedItem.explicitHeader(Tag(0x0008, 0x1115), .SQ, length: 24)
        delimiterInDefinedItem.item(length: 16)
        delimiterInDefinedItem.itemEnd()
        delimiterInDefinedItem.sequenceEnd()
        cases.append(("delimiters in a defined-length item", delimiterInDefinedItem, false))
        var undefinedLengthText = RawEncoder()
        undefinedLengthText.implicitHeader(Tag(0x0010, 0x0010), length: 0xFFFF_FFFF)
        undefinedLengthText.bytes += Array("Doe^John".utf8)
        cases.append(("text of undefined length", undefinedLengthText, false))
        var delimiterWithLength = RawEncoder()
        delimiterWithLength.explicitHeader(Tag(0x0008, 0x1115), .SQ, length: 0xFFFF_FFFF)
        delimiterWithLength.tag(.sequenceDelimitationItem)
        delimiterWithLength.u32(0xFFFF_FFF0)
        cases.append(("sequence delimiter with a length", delimiterWithLength, true))
        for (name, body, expectRead) in cases {
            switch read(body.bytes, syntax: name.contains("fragment") ? Self.jpeg2000 : Self.explicitLE) {
            case .success: #expect(expectRead, "\(name) was read")
            case .failure(let error): #expect(!expectRead, "\(name): \(error)")
            }
        }
    }

    // MARK: Deflate

    /// 64 MiB of zeros deflate to 64 KiB; with a 1 MiB limit the reader stops at the limit.
    @Test func deflateBomb() throws {
        var zeros = ByteBuffer()
        zeros.writeRepeatingByte(0, count: 64 << 20)
        let bomb = try #require(Deflate.deflate(zeros))
        #expect(bomb.readableBytes < 128 << 10)
        let input = RawEncoder.part10(transferSyntax: Self.deflated, body: Array(bomb.readableBytesView))
        let limited = ReadOptions(maximumInflatedSize: 1 << 20)
        #expect(throws: DICOMReadError.self) { try DICOMFile(reading: ByteBuffer(bytes: input), options: limited) }
        #expect(throws: DICOMReadError.self) { try Deflate.inflate(bomb, maximumSize: 1 << 20) }
    }

    /// The limit is exact: a data set of exactly the limit inflates, one byte more doesn't.
    @Test func inflateLimitIsExact() throws {
        var data = ByteBuffer()
        for index in 0..<100_000 { data.writeInteger(UInt8(truncatingIfNeeded: index * 31 / 7)) }
        let deflated = try #require(Deflate.deflate(data))
        #expect(try Deflate.inflate(deflated, maximumSize: 100_000) == data)
        #expect(throws: DICOMReadError.self) { try Deflate.inflate(deflated, maximumSize: 99_999) }
    }

    /// The window follows the input's size: every size around a window's edge, at each
    /// level, inflates back to the input.
    @Test func deflateRoundTripsAtEverySize() throws {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 511, 512, 513, 2_047, 2_048, 2_049, 4_097, 32_768, 32_769, 200_000] {
            var data = ByteBuffer()
            // Half repetitive, half random: matches near and far, and literals.
            for index in 0..<size {
                data.writeInteger(
                    index % 2 == 0
                        ? UInt8(truncatingIfNeeded: index / 64) : UInt8.random(in: 0...255, using: &generator))
            }
            for level: Int32 in [-1, 1, 9] {
                let deflated = try #require(Deflate.deflate(data, level: level), "size \(size), level \(level)")
                #expect(try Deflate.inflate(deflated, maximumSize: size) == data, "size \(size), level \(level)")
            }
        }
    }

    @Test func deflatedGarbage() {
        let body: [UInt8] = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }
        guard case .failure = read(body, syntax: Self.deflated) else {
            Issue.record("garbage inflated to a data set")
            return
        }
    }

    // MARK: Element order and count

    /// Elements in descending order: each one inserted at the front made reading quadratic
    /// (5 s for 100,000). Eight times the elements must take about eight times as long, not
    /// sixty-four, however busy the machine is.
    @Test func descendingTags() throws {
        func body(_ count: Int) -> [UInt8] {
            var body = RawEncoder()
            for index in stride(from: count, to: 0, by: -1) {
                body.explicit(Tag(0x0009 + 2 * UInt16(index >> 16), UInt16(truncatingIfNeeded: index)), .UN, [])
            }
            body.explicit(Tag(0x0009, 0x0010), .LO, "LAST")  // a second (0009,0010): the last wins
            return body.bytes
        }
        let clock = ContinuousClock()
        let small = body(10_000)
        let large = body(80_000)
        var file: DICOMFile?
        let smallTime = clock.measure { _ = read(small, limit: .seconds(60)) }
        let largeTime = clock.measure { file = try? read(large, limit: .seconds(60)).get() }
        #expect(largeTime < smallTime * 20, "10,000 elements in \(smallTime), 80,000 in \(largeTime)")
        let dataSet = try #require(file?.dataSet)
        #expect(dataSet.count == 80_000)
        #expect(dataSet.tags == dataSet.tags.sorted())
        #expect(dataSet[Tag(0x0009, 0x0010)]?.vr == .LO)
    }

    @Test func twoHundredThousandEmptyElements() throws {
        var body = RawEncoder()
        for index in 0..<200_000 {
            body.explicit(Tag(0x0009 + 2 * UInt16(index >> 16), UInt16(truncatingIfNeeded: index)), .UN, [])
        }
        let file = try read(body.bytes, limit: .seconds(60)).get()
        #expect(file.dataSet.count == 200_000)
    }
}

extension DICOMReadError {
    var isInvalidLength: Bool {
        if case .invalidLength = self { return true }
        return false
    }

    var offset: Int? {
        switch self {
        case .truncated(let offset, _, _), .invalidVR(_, let offset, _), .invalidLength(_, let offset, _),
            .unexpectedTag(_, let offset, _), .nestingTooDeep(let offset, _):
            offset
        case .notPart10, .inflate, .io: nil
        }
    }
}
