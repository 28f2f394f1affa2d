import CZlib
import NIOCore

/// gzip (RFC 1952) of a stream of buffers, for `Content-Encoding: gzip`: each buffer goes in
/// as it comes, so that a streamed answer is compressed without being held whole. One
/// encoder per response, used by one task.
final class GzipEncoder {
    // zlib keeps a pointer back to the stream, so it must not move: it lives on the heap.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var started = false

    init?() {
        stream.initialize(to: z_stream())
        // 15 window bits plus 16: a gzip header and trailer instead of zlib's.
        guard
            deflateInit2_(
                stream, 6, Z_DEFLATED, MAX_WBITS + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else {
            stream.deallocate()
            return nil
        }
        started = true
    }

    deinit {
        if started { deflateEnd(stream) }
        stream.deallocate()
    }

    /// The compressed bytes for `input` that zlib is ready to give (maybe none yet).
    func compress(_ input: ByteBuffer) -> ByteBuffer {
        run(input, flush: Z_NO_FLUSH)
    }

    /// The rest, and the trailer.
    func finish() -> ByteBuffer {
        run(ByteBuffer(), flush: Z_FINISH)
    }

    private func run(_ input: ByteBuffer, flush: Int32) -> ByteBuffer {
        var output = ByteBuffer()
        input.withUnsafeReadableBytes { source in
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(source.count)
            var status: Int32 = Z_OK
            repeat {
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: max(16_384, source.count / 2)) { target in
                    stream.pointee.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(target.count)
                    status = deflate(stream, flush)
                    return target.count - Int(stream.pointee.avail_out)
                }
                // Output space filled up: zlib has more to give. Finishing: until the trailer.
            } while status >= 0 && (flush == Z_FINISH ? status != Z_STREAM_END : stream.pointee.avail_out == 0)
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        return output
    }
}
