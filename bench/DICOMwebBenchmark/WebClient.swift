import AsyncHTTPClient
import BenchSupport
import Foundation
import NIOCore
import NIOHTTP1

/// The one HTTP client that drives every server (AsyncHTTPClient, HTTP/1.1 keep-alive).
struct WebClient: Sendable {
    let http: HTTPClient

    struct Answer {
        let status: Int
        let body: ByteBuffer
        var text: String { String(buffer: body) }
    }

    init() {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        configuration.decompression = .disabled
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async throws {
        try await http.shutdown()
    }

    /// A GET whose whole body is collected (up to 1 GiB).
    func get(_ url: String, accept: String) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: accept)
        let response = try await http.execute(request, timeout: .seconds(600))
        return Answer(status: Int(response.status.code), body: try await response.body.collect(upTo: 1 << 30))
    }

    /// A GET whose body is read and counted, never held: for retrievals larger than memory
    /// should hold.
    func getCounting(_ url: String, accept: String) async throws -> (status: Int, bytes: Int) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: accept)
        let response = try await http.execute(request, timeout: .seconds(600))
        var bytes = 0
        for try await chunk in response.body { bytes += chunk.readableBytes }
        return (Int(response.status.code), bytes)
    }

    /// A STOW-RS request: `body` to `url` as multipart/related of application/dicom.
    func stow(_ url: String, body: HTTPClientRequest.Body) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: Multipart.contentType)
        request.headers.add(name: "Accept", value: "application/dicom+json")
        request.body = body
        let response = try await http.execute(request, timeout: .seconds(600))
        return Answer(status: Int(response.status.code), body: try await response.body.collect(upTo: 64 << 20))
    }

    /// Waits until `url` answers 200, up to `timeout`, as long as `process` runs.
    func waitUntilAnswering(_ url: String, process: ServerProcess, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.pid != nil else { throw BenchmarkError("\(process.name) exited:\n\(process.logTail())") }
            if let answer = try? await get(url, accept: "application/dicom+json"), answer.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchmarkError("\(url) did not answer 200 within \(timeout):\n\(process.logTail())")
    }
}

/// The number of objects in a JSON array (a QIDO-RS or metadata answer), nil if it is not one.
func jsonArrayCount(_ body: ByteBuffer) -> Int? {
    guard let bytes = body.getBytes(at: body.readerIndex, length: body.readableBytes),
        let array = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [Any]
    else { return nil }
    return array.count
}
