import Foundation
import NIOCore
import Testing

@testable import HTTPAPI

/// The reader of uploaded archives: archives from other writers (Python's zipfile, Info-ZIP's
/// zip), its own writer's, and hostile ones, which must end in a typed error and never in a
/// crash or an inflation past the limits.
@Suite struct ZIPReaderTests {
    static func open(_ buffer: ByteBuffer, limits: ZIPLimits = ZIPLimits()) async throws -> ZIPReader {
        try await ZIPReader.open(BufferZIPSource(buffer: buffer), limits: limits)
    }

    static func readError(_ buffer: ByteBuffer, limits: ZIPLimits = ZIPLimits()) async -> ZIPReadError? {
        do {
            _ = try await open(buffer, limits: limits)
            return nil
        } catch {
            return error as? ZIPReadError
        }
    }

    static func entryError(_ entry: ZIPBuilder.Entry) async throws -> ZIPEntryError? {
        let reader = try await open(ZIPBuilder(entries: [entry]).build())
        do {
            _ = try await reader.content(of: reader.entries[0])
            return nil
        } catch {
            return error as? ZIPEntryError
        }
    }

    @Test func readsItsOwnWritersArchives() async throws {
        let reader = try await Self.open(try ZIPWriterTests.archive(ZIPWriterTests.sample))
        #expect(reader.entries.map(\.name) == ZIPWriterTests.sample.map(\.name))
        for (entry, expected) in zip(reader.entries, ZIPWriterTests.sample) {
            #expect(Array(try await reader.content(of: entry).readableBytesView) == expected.bytes)
        }
    }

    @Test func readsPythonsDeflatedStoredAndZIP64Entries() async throws {
        let directory = try ZIPTestDirectory()
        let path = directory.path + "/python.zip"
        _ = try await ZIPPeers.python(path, "make")
        let reader = try await ZIPReader.open(try SpoolFile(readingAt: path))
        let files = reader.entries.filter { !$0.isDirectory }
        #expect(files.map(\.name) == ["deflated.bin", "stored.txt", "forced64.bin"])
        #expect(files.map(\.method) == [8, 0, 0])
        let expected = Array(repeating: Array(0...255).map(UInt8.init), count: 400).flatMap { $0 }
        #expect(Array(try await reader.content(of: files[0]).readableBytesView) == expected)
        #expect(String(buffer: try await reader.content(of: files[1])) == "stored by Python")
        #expect(try await reader.content(of: files[2]).readableBytes == 5000)
    }

    @Test func readsInfoZIPsArchives() async throws {
        let directory = try ZIPTestDirectory()
        let text = String(repeating: "Info-ZIP deflates this line. ", count: 2000)
        try text.write(toFile: directory.path + "/a.txt", atomically: true, encoding: .utf8)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: directory.path + "/b.bin"))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zip") else {
            throw PeerMissing(description: "/usr/bin/zip not found: apt-get install zip (scripts/test does)")
        }
        let result = try await PeerProcess(
            ["/bin/sh", "-c", "cd \(directory.path) && /usr/bin/zip -q -r archive.zip a.txt b.bin"]
        ).wait()
        #expect(result.status == 0, "\(result)")
        let reader = try await ZIPReader.open(try SpoolFile(readingAt: directory.path + "/archive.zip"))
        #expect(reader.entries.map(\.name) == ["a.txt", "b.bin"])
        #expect(String(buffer: try await reader.content(of: reader.entries[0])) == text)
        #expect(Array(try await reader.content(of: reader.entries[1]).readableBytesView) == [1, 2, 3])
    }

    @Test func somethingElseIsNotAZIP() async {
        #expect(await Self.readError(ByteBuffer()) == .notZIP)
        #expect(await Self.readError(ByteBuffer(string: "DICM and a lot of other bytes")) == .notZIP)
        #expect(await Self.readError(ByteBuffer(bytes: [UInt8](repeating: 0, count: 100_000))) == .notZIP)
    }

    @Test func everyTruncationIsATypedError() async throws {
        let whole = try ZIPWriterTests.archive(ZIPWriterTests.sample.map { ($0.name, Array($0.bytes.prefix(50))) })
        for length in 0..<whole.readableBytes {
            let cut = whole.getSlice(at: 0, length: length) ?? ByteBuffer()
            let error = await Self.readError(cut)
            #expect(error != nil, "cut at \(length) was read as an archive")
        }
    }

    /// Random bytes changed in valid archives: each either reads (and its entries read or
    /// fail with an entry error) or fails with a reason; nothing traps, nothing inflates past
    /// the limit.
    @Test func bitFlippedArchivesFailWithReasons() async throws {
        var generator = MultipartParserTests.SplitMix64(seed: 2026)
        let originals = [
            try ZIPWriterTests.archive(ZIPWriterTests.sample.map { ($0.name, Array($0.bytes.prefix(2000))) }),
            ZIPBuilder(entries: [
                .deflated("a.dcm", Array(repeating: 7, count: 20_000)), ZIPBuilder.Entry(name: "b", data: [1, 2, 3]),
            ]).build(),
        ]
        let limits = ZIPLimits(maximumEntries: 100, maximumEntrySize: 1 << 20, maximumTotalSize: 4 << 20)
        for original in originals {
            for _ in 0..<1500 {
                var bytes = Array(original.readableBytesView)
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] = UInt8.random(in: 0...255, using: &generator)
                }
                do {
                    let reader = try await Self.open(ByteBuffer(bytes: bytes), limits: limits)
                    for entry in reader.entries {
                        do {
                            let content = try await reader.content(of: entry)
                            #expect(content.readableBytes <= limits.maximumEntrySize)
                        } catch {
                            #expect(error is ZIPEntryError, "\(error)")
                        }
                    }
                } catch {
                    #expect(error is ZIPReadError, "\(error)")
                }
            }
        }
    }

    @Test func offsetsOutsideTheArchiveAreRefused() async throws {
        var bytes = ZIPBuilder(entries: [ZIPBuilder.Entry(name: "a", data: [1, 2, 3])]).build()
        // The end record's central directory offset, 16 bytes into it, far past the end.
        let end = bytes.writerIndex - ZIPFormat.endOfCentralDirectorySize
        bytes.setInteger(UInt32(0x7FFF_0000), at: end + 16, endianness: .little)
        #expect(await Self.readError(bytes) == .outOfBounds(what: "the central directory", offset: 0x7FFF_0000))
        // A local header offset past the central directory.
        var lying = ZIPBuilder(entries: [ZIPBuilder.Entry(name: "a", data: [1, 2, 3])]).build()
        let record = lying.writerIndex - ZIPFormat.endOfCentralDirectorySize - ZIPFormat.centralHeaderSize - 1
        lying.setInteger(UInt32(1_000_000), at: record + 42, endianness: .little)
        #expect(await Self.readError(lying) == .outOfBounds(what: "the local header of 'a'", offset: 1_000_000))
        // An entry whose data would run into the central directory.
        let long = ZIPBuilder(entries: [ZIPBuilder.Entry(name: "a", data: [1, 2, 3], compressedSize: 500)]).build()
        #expect(await Self.readError(long) == .outOfBounds(what: "the data of 'a'", offset: 31))
    }

    /// David Fifield's "better zip bomb": many central records over one local file.
    @Test func overlappingEntriesAreRefused() async throws {
        let bytes = ZIPBuilder(entries: [
            ZIPBuilder.Entry(name: "a", data: Array(repeating: 0, count: 100)),
            ZIPBuilder.Entry(name: "b", data: [], localHeaderOf: 0),
        ]).build()
        #expect(await Self.readError(bytes) == .overlappingEntries("a", "b"))
    }

    @Test func declaredSizesPastTheLimitsAreRefusedBeforeInflating() async throws {
        let one = ZIPBuilder(entries: [
            ZIPBuilder.Entry(name: "huge.dcm", data: [1], method: 8, uncompressedSize: 0xF000_0000)
        ]).build()
        #expect(
            await Self.readError(one, limits: ZIPLimits(maximumEntrySize: 1 << 30))
                == .tooLarge(what: "'huge.dcm'", size: 0xF000_0000, limit: 1 << 30))
        let many = ZIPBuilder(entries: (0..<10).map { .deflated("\($0).dcm", Array(repeating: 0, count: 1 << 20)) })
            .build()
        let limits = ZIPLimits(maximumEntrySize: 2 << 20, maximumTotalSize: 5 << 20)
        #expect(
            await Self.readError(many, limits: limits)
                == .tooLarge(what: "the archive's entries together", size: 6 << 20, limit: 5 << 20))
        #expect(
            await Self.readError(many, limits: ZIPLimits(maximumEntries: 9)) == .tooManyEntries(count: 10, limit: 9))
    }

    /// An entry that inflates past the size it declares stops there.
    @Test func inflatingPastTheDeclaredSizeFailsTheEntry() async throws {
        var bomb = ZIPBuilder.Entry.deflated("bomb.dcm", Array(repeating: 0, count: 50 << 20))
        bomb.uncompressedSize = 100_000
        #expect(bomb.data.count < 100_000)
        #expect(try await Self.entryError(bomb) == .inflate("inflated data set exceeds 100000 bytes"))
        // Compressed data far larger than deflate could make of the declared size is not even read.
        bomb.uncompressedSize = 1000
        #expect(try await Self.entryError(bomb) == .sizeMismatch(declared: 1000, actual: UInt64(bomb.data.count)))
    }

    @Test func damagedEncryptedAndUnknownEntriesFailAlone() async throws {
        #expect(
            try await Self.entryError(ZIPBuilder.Entry(name: "a", data: [1, 2, 3], crc: 42))
                == .checksumMismatch(expected: 42, actual: CRC32.of(ByteBuffer(bytes: [1, 2, 3]))))
        #expect(try await Self.entryError(ZIPBuilder.Entry(name: "a", data: [1, 2, 3], flags: 1)) == .encrypted)
        #expect(
            try await Self.entryError(ZIPBuilder.Entry(name: "a", data: [1, 2, 3], method: 12))
                == .unsupportedMethod(12))
        #expect(
            try await Self.entryError(ZIPBuilder.Entry(name: "a", data: [1, 2, 3], uncompressedSize: 2))
                == .sizeMismatch(declared: 2, actual: 3))
        var garbage = ZIPBuilder.Entry(name: "a", data: [0xFF, 0xFF, 0xFF, 0xFF], method: 8)
        garbage.uncompressedSize = 10
        #expect(try await Self.entryError(garbage).map { if case .inflate = $0 { true } else { false } } == true)
    }

    @Test func aCommentAfterTheEndRecordIsFine() async throws {
        var builder = ZIPBuilder(entries: [ZIPBuilder.Entry(name: "a", data: [1, 2, 3])])
        builder.comment = Array("PK\u{5}\u{6} looks like a signature".utf8)
        let reader = try await Self.open(builder.build())
        #expect(reader.entries.map(\.name) == ["a"])
    }
}
