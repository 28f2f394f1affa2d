import Hummingbird
import NIOCore

/// Applies `RequestLimits`: a declared `Content-Length` over the limit is refused before
/// anything is read; a body without one (chunked) is counted as the route reads it, and the
/// route's read fails with 413 when it passes the limit, or with 408 once the body deadline
/// has passed. What a route stored before that stays stored.
struct RequestLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let limits: RequestLimits

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard limits.maximumBodySize != nil || limits.bodyTimeout != nil else {
            return try await next(request, context)
        }
        if let maximum = limits.maximumBodySize, let declared = request.headers[.contentLength].flatMap(Int.init),
            declared > maximum
        {
            throw HTTPError(
                .contentTooLarge,
                message: "the request body (\(declared) bytes) is larger than the limit of \(maximum) bytes")
        }
        var limited = request
        limited.body = RequestBody(
            asyncSequence: LimitedRequestBody(
                base: request.body, maximumSize: limits.maximumBodySize,
                deadline: limits.bodyTimeout.map { (ContinuousClock.now + $0, $0) }))
        return try await next(limited, context)
    }
}

/// A request body that fails its reader past a size or a deadline.
struct LimitedRequestBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let base: RequestBody
    let maximumSize: Int?
    let deadline: (instant: ContinuousClock.Instant, timeout: Duration)?

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let maximumSize: Int?
        let deadline: (instant: ContinuousClock.Instant, timeout: Duration)?
        var received = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            received += chunk.readableBytes
            if let maximumSize, received > maximumSize {
                throw HTTPError(
                    .contentTooLarge, message: "the request body is larger than the limit of \(maximumSize) bytes")
            }
            if let deadline, ContinuousClock.now > deadline.instant {
                throw HTTPError(
                    .requestTimeout,
                    message: "the request body did not arrive within \(deadline.timeout) (\(received) bytes came)")
            }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), maximumSize: maximumSize, deadline: deadline)
    }
}
