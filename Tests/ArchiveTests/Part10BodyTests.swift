import DICOM
import NIOCore
import Testing

@testable import Archive

/// Retrieval sends a blob's data set without its Part 10 header, whatever the chunks the blob
/// store reads it in.
@Suite("Part 10 body of a blob")
struct Part10BodyTests {
    static func part10() throws -> (file: ByteBuffer, dataSet: ByteBuffer) {
        var dataSet = DataSet()
        dataSet.set(.sopClassUID, vr: .UI, string: UID.ctImageStorage.rawValue)
        dataSet.set(.sopInstanceUID, vr: .UI, string: "2.25.42")
        dataSet.set(.patientName, vr: .PN, string: "Doe^Jane")
        let file = try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
        return (file, try dataSet.encoded(in: .explicitVRLittleEndian))
    }

    static func body(of bytes: ByteBuffer, chunkSize: Int) async throws -> ByteBuffer {
        let chunks = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            var offset = 0
            while offset < bytes.readableBytes {
                let length = min(chunkSize, bytes.readableBytes - offset)
                continuation.yield(bytes.getSlice(at: bytes.readerIndex + offset, length: length) ?? ByteBuffer())
                offset += length
            }
            continuation.finish()
        }
        let cursor = Part10BodyCursor(chunks.makeAsyncIterator(), sopInstanceUID: "2.25.42")
        var body = ByteBuffer()
        while let chunk = try await cursor.next() { body.writeImmutableBuffer(chunk) }
        return body
    }

    @Test(arguments: [1, 7, 131, 4096])
    func headerIsDroppedWhateverTheChunks(chunkSize: Int) async throws {
        let (file, dataSet) = try Self.part10()
        #expect(try await Self.body(of: file, chunkSize: chunkSize) == dataSet)
    }

    @Test func notPart10OrTruncatedHeaderThrows() async throws {
        let (file, _) = try Self.part10()
        var noMagic = file
        noMagic.setString("NOPE", at: file.readerIndex + 128)
        await #expect(throws: RetrieveError.notPart10(sopInstanceUID: "2.25.42")) {
            try await Self.body(of: noMagic, chunkSize: 64)
        }
        let truncated = file.getSlice(at: file.readerIndex, length: 140) ?? ByteBuffer()
        await #expect(throws: RetrieveError.notPart10(sopInstanceUID: "2.25.42")) {
            try await Self.body(of: truncated, chunkSize: 64)
        }
    }
}
