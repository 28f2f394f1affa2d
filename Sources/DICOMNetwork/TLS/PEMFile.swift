import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of a certificate, key or CA file, read on NIO's thread pool (the reads block),
/// at most `limit` bytes: a PEM bundle is a few kilobytes, a CA bundle a few hundred.
enum PEMFile {
    static let limit = 4 << 20

    static func contents(of path: String, as file: TLSFileError.File) async throws(TLSFileError) -> [UInt8] {
        let result: Result<[UInt8], TLSFileError>
        do {
            result = try await NIOThreadPool.singleton.runIfActive { contentsBlocking(of: path, as: file) }
        } catch {
            throw TLSFileError(file: file, path: path, problem: "cannot be read: \(error)")
        }
        return try result.get()
    }

    static func contentsBlocking(of path: String, as file: TLSFileError.File) -> Result<[UInt8], TLSFileError> {
        func failure(_ problem: String) -> Result<[UInt8], TLSFileError> {
            .failure(TLSFileError(file: file, path: path, problem: problem))
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return failure("cannot be read: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return failure("cannot be read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk.prefix(count))
            if bytes.count > limit { return failure("longer than \(limit) bytes: not a PEM file") }
        }
        return .success(bytes)
    }
}
