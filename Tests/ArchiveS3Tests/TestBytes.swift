import NIOCore

/// Test content: deterministic bytes, cut into chunks.
enum TestBytes {
    /// The same bytes on every run, so a failing comparison is reproducible.
    static func bytes(count: Int, seed: UInt64) -> ByteBuffer {
        var state = seed
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { storage, initialized in
            for index in 0..<count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                storage[index] = UInt8(truncatingIfNeeded: state >> 33)
            }
            initialized = count
        }
        return ByteBuffer(bytes: bytes)
    }

    /// The buffer cut into pieces of `size` bytes (the last one shorter).
    static func pieces(_ buffer: ByteBuffer, size: Int) -> [ByteBuffer] {
        var rest = buffer
        var result: [ByteBuffer] = []
        while rest.readableBytes > 0, let piece = rest.readSlice(length: min(size, rest.readableBytes)) {
            result.append(piece)
        }
        return result
    }

    /// All chunks of a stream in one buffer.
    static func collect(_ stream: AsyncThrowingStream<ByteBuffer, any Error>) async throws -> ByteBuffer {
        var result = ByteBuffer()
        for try await chunk in stream {
            var chunk = chunk
            result.writeBuffer(&chunk)
        }
        return result
    }
}
