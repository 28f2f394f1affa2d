import Archive
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes the ZIP reader reads at any offset: a spooled request body, or a buffer in tests.
protocol ZIPSource: Sendable {
    var size: UInt64 { get }
    /// `count` bytes from `offset`; fewer only past the end.
    func read(at offset: UInt64, count: Int) async throws -> ByteBuffer
}

/// A request body written to a temporary file, so that a ZIP archive's central directory
/// (at its end) can be read before its entries. The file is unlinked as soon as it is
/// created: nothing is left behind whatever happens to the process, and the descriptor is
/// the only way to it. System calls run on the NIO thread pool, never on the cooperative
/// executor.
final class SpoolFile: ZIPSource {
    private let descriptor: Int32
    let size: UInt64

    private init(descriptor: Int32, size: UInt64) {
        self.descriptor = descriptor
        self.size = size
    }

    deinit { close(descriptor) }

    /// An existing file, read in place (a ZIP archive on disk).
    init(readingAt path: String) throws {
        let descriptor = try POSIX.openForReading(path)
        let end = lseek(descriptor, 0, SEEK_END)
        guard end >= 0 else {
            close(descriptor)
            throw SpoolError.system("lseek \(path)", errno)
        }
        self.descriptor = descriptor
        self.size = UInt64(end)
    }

    /// Writes `body` to a new file in `directory`, in writes of about 1 MiB; throws
    /// `tooLarge` as soon as it passes `maximumSize` bytes.
    static func spool<Body: AsyncSequence>(
        _ body: Body, directory: String, maximumSize: Int
    ) async throws -> SpoolFile where Body.Element == ByteBuffer {
        let descriptor = try await NIOThreadPool.singleton.runIfActive { try createUnlinked(in: directory) }
        var written: UInt64 = 0
        do {
            var pending = ByteBuffer()
            for try await chunk in body {
                if Int(written) + pending.readableBytes + chunk.readableBytes > maximumSize {
                    throw SpoolError.tooLarge(maximumSize)
                }
                pending.writeImmutableBuffer(chunk)
                if pending.readableBytes >= 1 << 20 {
                    let batch = pending
                    try await NIOThreadPool.singleton.runIfActive {
                        try POSIX.writeAll(descriptor, batch, path: "ZIP upload")
                    }
                    written += UInt64(batch.readableBytes)
                    pending.clear()
                }
            }
            let batch = pending
            try await NIOThreadPool.singleton.runIfActive { try POSIX.writeAll(descriptor, batch, path: "ZIP upload") }
            written += UInt64(batch.readableBytes)
        } catch {
            close(descriptor)
            throw error
        }
        return SpoolFile(descriptor: descriptor, size: written)
    }

    func read(at offset: UInt64, count: Int) async throws -> ByteBuffer {
        let descriptor = self.descriptor
        let available = offset >= size ? 0 : Int(min(UInt64(count), size - offset))
        guard available > 0 else { return ByteBuffer() }
        return try await NIOThreadPool.singleton.runIfActive {
            try POSIX.read(descriptor, offset: Int(offset), count: available, path: "ZIP upload")
        }
    }

    private static func createUnlinked(in directory: String) throws -> Int32 {
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast())
        template += Array("apus-upload-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { pointer -> Int32 in
            guard let base = pointer.baseAddress else { return -1 }
            let descriptor = mkstemp(base)
            if descriptor >= 0 { unlink(base) }
            return descriptor
        }
        guard descriptor >= 0 else { throw SpoolError.system("mkstemp in \(directory)", errno) }
        return descriptor
    }
}

enum SpoolError: Error, CustomStringConvertible {
    case tooLarge(Int)
    case system(String, Int32)

    var description: String {
        switch self {
        case .tooLarge(let limit): "the upload is larger than \(limit) bytes"
        case .system(let call, let number): "\(call): \(String(cString: strerror(number)))"
        }
    }
}

/// A ZIP archive already in memory (tests, small bodies).
struct BufferZIPSource: ZIPSource {
    let buffer: ByteBuffer

    var size: UInt64 { UInt64(buffer.readableBytes) }

    func read(at offset: UInt64, count: Int) async throws -> ByteBuffer {
        guard offset < size, count > 0 else { return ByteBuffer() }
        let start = Int(offset)
        return buffer.getSlice(at: buffer.readerIndex + start, length: min(count, buffer.readableBytes - start))
            ?? ByteBuffer()
    }
}
