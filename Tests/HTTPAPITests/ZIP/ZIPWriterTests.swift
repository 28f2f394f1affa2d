import Foundation
import NIOCore
import Testing

@testable import HTTPAPI

/// The streaming ZIP writer, checked by real readers: Python's zipfile (Peers/zip_check.py)
/// and Info-ZIP's `unzip -t`, including ZIP64 archives (more than 65,535 entries; an entry and
/// offsets past 4 GiB, written as a sparse file so that no disk is used).
@Suite struct ZIPWriterTests {
    /// Entries of various sizes, one streamed in uneven chunks, one empty, one with a UTF-8 name.
    static let sample: [(name: String, bytes: [UInt8])] = [
        ("Patient/Study/CT000001.dcm", (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }),
        ("empty.dcm", []),
        ("Pätient Müller/Ünïcode 😀.dcm", Array("DICM and more".utf8)),
    ]

    static func archive(_ entries: [(name: String, bytes: [UInt8])]) throws -> ByteBuffer {
        var writer = ZIPWriter(modified: DOSTimestamp(secondsSince1970: 1_700_000_000))
        var output = ByteBuffer()
        for entry in entries {
            var header = try writer.startEntry(name: entry.name, expectedSize: entry.bytes.count)
            output.writeBuffer(&header)
            var offset = 0
            var step = 1
            while offset < entry.bytes.count {
                let chunk = ByteBuffer(bytes: entry.bytes[offset..<min(offset + step, entry.bytes.count)])
                try writer.append(chunk)
                output.writeImmutableBuffer(chunk)
                offset += step
                step = step * 3 + 1
            }
            var descriptor = try writer.finishEntry()
            output.writeBuffer(&descriptor)
        }
        var tail = try writer.finish()
        output.writeBuffer(&tail)
        #expect(writer.offset == UInt64(output.readableBytes))
        return output
    }

    @Test func pythonAndUnzipReadEveryFileByteForByte() async throws {
        let directory = try ZIPTestDirectory()
        let path = directory.path + "/sample.zip"
        try Data(Self.archive(Self.sample).readableBytesView).write(to: URL(fileURLWithPath: path))
        let report = try await ZIPPeers.python(path, "extract", directory.path + "/out")
        #expect(report.entries.map(\.name) == Self.sample.map(\.name))
        #expect(report.zip64 == false)
        for entry in Self.sample {
            let extracted = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/out/" + entry.name))
            #expect(Array(extracted) == entry.bytes, "\(entry.name)")
        }
        try await ZIPPeers.unzipTest(path, expectingEntries: Self.sample.count)
    }

    @Test func moreThan65535EntriesUseZIP64() async throws {
        let count = 70_000
        let directory = try ZIPTestDirectory()
        let path = directory.path + "/many.zip"
        let entries = (0..<count).map { ("\($0 / 1000)/\($0).txt", Array(String($0).utf8)) }
        let bytes = try Self.archive(entries)
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: path))
        let report = try await ZIPPeers.python(path, "pattern", String(count))
        #expect(report.zip64)
        try await ZIPPeers.unzipTest(path, expectingEntries: count)
        // And the reader of uploads reads it back.
        let reader = try await ZIPReader.open(BufferZIPSource(buffer: bytes))
        #expect(reader.entries.count == count)
        let last = try #require(reader.entries.last)
        #expect(String(buffer: try await reader.content(of: last)) == String(count - 1))
    }

    /// 4 GiB + 1 MiB of zeros, then a small entry whose header lies past 4 GiB: ZIP64 sizes in
    /// the data descriptor and the central directory, ZIP64 offsets, ZIP64 end records. The
    /// zeros are never written: the file is sparse.
    @Test func entryAndOffsetsPast4GiBUseZIP64() async throws {
        let directory = try ZIPTestDirectory()
        let path = directory.path + "/large.zip"
        let large = (1 << 32) + (1 << 20)
        var writer = ZIPWriter(modified: DOSTimestamp(secondsSince1970: 1_700_000_000))
        let file = try SparseFile(path: path)
        try file.write(try writer.startEntry(name: "large.bin", expectedSize: large))
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        try zeros.withUnsafeBytes { chunk in
            for _ in 0..<(large >> 20) { try writer.append(chunk) }
        }
        file.skip(large)
        try file.write(try writer.finishEntry())
        let small = ByteBuffer(string: "after the large one")
        try file.write(try writer.startEntry(name: "after.txt", expectedSize: small.readableBytes))
        try writer.append(small)
        try file.write(small)
        try file.write(try writer.finishEntry())
        try file.write(try writer.finish())
        try file.close()

        let report = try await ZIPPeers.python(path, "sparse")
        #expect(report.zip64)
        #expect(report.entries.map(\.size) == [large, small.readableBytes])
        // zlib's CRC-32 of 4 GiB + 1 MiB of zeros, as Python computes it.
        #expect(report.entries.first?.crc == 0xC6A4_8B28)
        try await ZIPPeers.unzipTest(path, expectingEntries: 2)
        let reader = try await ZIPReader.open(
            try SpoolFile(readingAt: path), limits: ZIPLimits(maximumEntrySize: 8 << 30))
        #expect(reader.entries.map(\.uncompressedSize) == [UInt64(large), UInt64(small.readableBytes)])
        #expect(String(buffer: try await reader.content(of: reader.entries[1])) == "after the large one")
    }

    @Test func anEntryAnnouncedSmallMayNotPass4GiB() throws {
        var writer = ZIPWriter(modified: DOSTimestamp(secondsSince1970: 0))
        _ = try writer.startEntry(name: "a", expectedSize: 10)
        let zeros = [UInt8](repeating: 0, count: 1 << 24)
        try zeros.withUnsafeBytes { chunk in
            for _ in 0..<256 { try writer.append(chunk) }
        }
        #expect(throws: ZIPWriteError.self) { try writer.finishEntry() }
    }

    @Test func dosTimestampsAreUTCCivilDates() {
        // 2023-11-14 22:13:20 UTC.
        let stamp = DOSTimestamp(secondsSince1970: 1_700_000_000)
        #expect(stamp.date == UInt16((2023 - 1980) << 9 | 11 << 5 | 14))
        #expect(stamp.time == UInt16(22 << 11 | 13 << 5 | 10))
        // Before 1980: the earliest DOS date.
        #expect(DOSTimestamp(secondsSince1970: 0).date == UInt16(1 << 5 | 1))
    }
}
