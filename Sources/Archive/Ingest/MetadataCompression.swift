import CZlib
import NIOCore

/// Raw deflate (RFC 1951) of metadata JSON, and its inverse with a size limit so that a
/// damaged row cannot make the process allocate without bound.
enum MetadataCompression {
    static func deflate(_ input: ByteBuffer) -> ByteBuffer? {
        var stream = z_stream()
        guard
            deflateInit2_(
                &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.readableBytes)))
        var output = ByteBuffer()
        output.reserveCapacity(bound + 16)
        var status: Int32 = Z_STREAM_ERROR
        input.withUnsafeReadableBytes { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(source.count)
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { target in
                stream.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(target.count)
                status = CZlib.deflate(&stream, Z_FINISH)
                return target.count - Int(stream.avail_out)
            }
        }
        return status == Z_STREAM_END ? output : nil
    }

    static func inflate(_ input: ByteBuffer, maximumSize: Int) -> ByteBuffer? {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        defer { inflateEnd(&stream) }
        var output = ByteBuffer()
        output.reserveCapacity(max(4096, input.readableBytes * 6))
        var status: Int32 = Z_OK
        input.withUnsafeReadableBytes { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(source.count)
            while status == Z_OK, output.readableBytes <= maximumSize {
                if output.writableBytes < 16384 { output.reserveCapacity(output.capacity * 2) }
                let produced = output.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { target in
                    stream.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(target.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return target.count - Int(stream.avail_out)
                }
                // No progress with input left is a damaged stream, not a loop to spin in.
                if produced == 0, status == Z_OK || status == Z_BUF_ERROR { status = Z_DATA_ERROR }
            }
        }
        guard status == Z_STREAM_END, output.readableBytes <= maximumSize else { return nil }
        return output
    }
}
