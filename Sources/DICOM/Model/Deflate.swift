import CZlib
public import NIOCore

/// Raw deflate (RFC 1951, no zlib header): the Deflated Explicit VR Little Endian transfer
/// syntax (PS3.5 A.5) and the archive's compressed metadata both use it.
public enum Deflate {
    public static func inflate(_ input: ByteBuffer, maximumSize: Int) throws(DICOMReadError) -> ByteBuffer {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .inflate(reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        // The output never grows past the limit plus one byte, that one telling that it's exceeded.
        let ceiling = maximumSize == .max ? maximumSize : maximumSize + 1
        var output = ByteBuffer()
        output.reserveCapacity(min(max(4096, input.readableBytes * 4), ceiling))
        var status: Int32 = Z_OK
        var failure: DICOMReadError?
        input.withUnsafeReadableBytes { source in
            guard let base = source.baseAddress else { return }
            stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(source.count)
            while status == Z_OK {
                if output.writableBytes < 65536 { output.reserveCapacity(min(output.capacity * 2, ceiling)) }
                let chunk = min(output.writableBytes, ceiling - output.readableBytes, Int(UInt32.max))
                let produced = output.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { target in
                    guard let targetBase = target.baseAddress else { return 0 }
                    stream.next_out = targetBase.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(min(chunk, target.count))
                    let before = stream.avail_out
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return Int(before - stream.avail_out)
                }
                if output.readableBytes > maximumSize {
                    failure = .inflate(reason: "inflated data set exceeds \(maximumSize) bytes")
                    return
                }
                if produced == 0, status == Z_OK, stream.avail_in == 0 {
                    // Input ended without a final block; keep what was inflated, like zlib's tools.
                    status = Z_STREAM_END
                }
                if status == Z_BUF_ERROR, stream.avail_in == 0 { status = Z_STREAM_END }
            }
        }
        if let failure { throw failure }
        guard status == Z_STREAM_END else {
            throw .inflate(reason: "zlib status \(status)")
        }
        return output
    }

    /// Raw deflate of a whole buffer, for writing the deflated transfer syntax. `level` is
    /// zlib's: 1 (fastest) to 9 (smallest), -1 its default (6).
    public static func deflate(_ input: ByteBuffer, level: Int32 = -1) -> ByteBuffer? {
        var stream = z_stream()
        // A window that spans the input (zlib reaches back its size less 262 bytes) loses no
        // match, and a small input (an instance's metadata) then costs zlib tens of kilobytes
        // of state to set up instead of 256; the memory level keeps one block for it.
        var windowBits: Int32 = 9
        while windowBits < MAX_WBITS, 1 << windowBits < input.readableBytes + 262 { windowBits += 1 }
        let memoryLevel = min(8, max(1, windowBits - 6))
        guard
            deflateInit2_(
                &stream, level, Z_DEFLATED, -windowBits, memoryLevel, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return nil }
        defer { deflateEnd(&stream) }
        var output = ByteBuffer()
        let bound = Int(deflateBound(&stream, uLong(input.readableBytes)))
        output.reserveCapacity(bound + 16)
        var status: Int32 = Z_OK
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
}
