public import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file reads into one buffer, which the parsed data set then slices.
public enum FileBytes {
    public static func read(path: String) throws(DICOMReadError) -> ByteBuffer {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .io(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(size)
        var failure: String?
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { target in
            var total = 0
            while total < size, let base = target.baseAddress {
                let count = Glibc.read(descriptor, base + total, size - total)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return total
                }
                if count == 0 { break }
                total += count
            }
            return total
        }
        if let failure { throw .io(path: path, reason: failure) }
        return buffer
    }
}
