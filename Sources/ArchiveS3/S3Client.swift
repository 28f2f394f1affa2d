import Archive
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Signs and sends S3 calls, retrying what may be retried. Knows URLs, SigV4 and S3's error
/// bodies; nothing about blobs.
struct S3Client: Sendable {
    let configuration: S3Configuration
    let httpClient: HTTPClient
    let logger: Logger
    /// Up to the response head; a body streams for as long as its reader takes.
    var requestTimeout: TimeAmount = .seconds(120)

    /// Error bodies are read up to this size (S3's are under 1 KiB).
    static let maximumErrorBody = 64 * 1024

    var signer: SigV4Signer {
        SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "s3")
    }

    /// Host header and decoded path of a call, per the addressing style.
    func location(objectKey: String?) -> (host: String, path: String) {
        let authority = configuration.endpoint.authority
        switch configuration.addressing {
        case .path:
            return (authority, "/" + configuration.bucket + (objectKey.map { "/" + $0 } ?? ""))
        case .virtualHosted:
            return (configuration.bucket + "." + authority, "/" + (objectKey ?? ""))
        }
    }

    /// The signed URL and headers of one attempt.
    func prepare(_ request: S3Request, secondsSince1970: Double) -> (url: String, headers: HTTPHeaders) {
        let (host, path) = location(objectKey: request.objectKey)
        let payloadHash =
            request.body.map { SigV4Encoding.sha256Hex($0) }
            ?? SigV4Encoding.emptyPayloadHash
        let timestamp = SigV4Timestamp(secondsSince1970: secondsSince1970)
        var signed = request.headers
        signed.append(("host", host))
        signed.append(("x-amz-date", timestamp.dateTime))
        signed.append(("x-amz-content-sha256", payloadHash))
        if let token = configuration.credentials.sessionToken { signed.append(("x-amz-security-token", token)) }
        let signature = signer.sign(
            SigV4Signer.Request(
                method: request.method, path: path, query: request.query, headers: signed, payloadHash: payloadHash),
            at: timestamp)
        var headers = HTTPHeaders()
        // The Host header exactly as signed (AsyncHTTPClient would derive its own otherwise).
        for (name, value) in signed { headers.add(name: name, value: value) }
        headers.add(name: "authorization", value: signature.authorization)
        let query = SigV4Signer.canonicalQuery(request.query)
        let url =
            (configuration.endpoint.secure ? "https://" : "http://") + host + SigV4Signer.canonicalPath(path)
            + (query.isEmpty ? "" : "?" + query)
        return (url, headers)
    }

    /// Sends the call, retrying connection failures and S3's "try again" answers with
    /// backoff while the call is idempotent; returns the first 2xx response with its body
    /// unread, or throws a `BlobStoreError` (or `CancellationError`).
    func send(_ request: S3Request) async throws -> HTTPClientResponse {
        var attempt = 0
        while true {
            attempt += 1
            let mayRetry = request.idempotent && attempt < configuration.retry.maximumAttempts
            let (url, headers) = prepare(request, secondsSince1970: Date().timeIntervalSince1970)
            var httpRequest = HTTPClientRequest(url: url)
            httpRequest.method = HTTPMethod(rawValue: request.method)
            httpRequest.headers = headers
            if let body = request.body {
                httpRequest.body = .bytes(body)
                httpRequest.headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
            }
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(httpRequest, timeout: requestTimeout, logger: logger)
            } catch {
                if Task.isCancelled { throw CancellationError() }
                guard mayRetry else {
                    throw BlobStoreError(
                        code: .io, key: request.blobKey, operation: request.operation,
                        reason:
                            "S3 endpoint \(configuration.endpoint) unreachable after \(attempt) attempt(s): \(error)")
                }
                try await backOff(attempt: attempt, request: request, cause: "\(error)")
                continue
            }
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return response }
            let failure = await Self.failure(of: response, method: request.method)
            if mayRetry, S3RetryPolicy.isRetryable(status: status, code: failure.code) {
                try await backOff(
                    attempt: attempt, request: request, cause: "HTTP \(status) \(failure.code ?? "")")
                continue
            }
            throw failure.blobStoreError(key: request.blobKey, operation: request.operation)
        }
    }

    private func backOff(attempt: Int, request: S3Request, cause: String) async throws {
        let delay = configuration.retry.delay(afterAttempt: attempt)
        logger.debug(
            "S3 call failed, retrying",
            metadata: [
                "operation": "\(request.operation)", "attempt": "\(attempt)", "cause": "\(cause)",
                "delay": "\(delay)",
            ])
        try await Task.sleep(for: .seconds(delay))
    }

    /// The status with S3's error code and message, read from a bounded body.
    static func failure(of response: HTTPClientResponse, method: String) async -> S3Failure {
        let status = Int(response.status.code)
        guard method != "HEAD", let body = try? await response.body.collect(upTo: maximumErrorBody) else {
            return S3Failure(status: status, code: nil, message: response.status.reasonPhrase)
        }
        let parsed = S3Responses.error(Array(body.readableBytesView))
        return S3Failure(status: status, code: parsed?.code, message: parsed?.message ?? response.status.reasonPhrase)
    }

    /// Sends the call and reads its whole (bounded) body: for XML answers.
    func sendReadingBody(_ request: S3Request, limit: Int = 16 << 20) async throws -> [UInt8] {
        let response = try await send(request)
        do {
            return Array(try await response.body.collect(upTo: limit).readableBytesView)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw BlobStoreError(
                code: .io, key: request.blobKey, operation: request.operation,
                reason: "reading S3's answer failed: \(error)")
        }
    }

    /// Sends the call ignoring the task's cancellation: aborting a multipart upload must
    /// happen precisely when the upload's task was cancelled. Uses the event-loop API, which
    /// does not observe task cancellation; awaited, so nothing outlives the caller.
    func sendIgnoringCancellation(_ request: S3Request) async throws {
        var lastError: (any Error)?
        for attempt in 1...configuration.retry.maximumAttempts {
            let (url, headers) = prepare(request, secondsSince1970: Date().timeIntervalSince1970)
            do {
                let httpRequest = try HTTPClient.Request(
                    url: url, method: HTTPMethod(rawValue: request.method), headers: headers)
                let response = try await httpClient.execute(
                    request: httpRequest, deadline: .now() + requestTimeout, logger: logger
                ).get()
                let status = Int(response.status.code)
                if (200..<300).contains(status) || status == 404 { return }
                lastError = S3Failure(status: status, code: nil, message: response.status.reasonPhrase)
                    .blobStoreError(key: request.blobKey, operation: request.operation)
                guard S3RetryPolicy.isRetryable(status: status, code: nil) else { break }
            } catch {
                lastError = error
            }
            guard attempt < configuration.retry.maximumAttempts else { break }
            // A plain sleep would end at once in a cancelled task: wait on the event loop.
            let delay = configuration.retry.delay(afterAttempt: attempt)
            try? await httpClient.eventLoopGroup.any().scheduleTask(in: .nanoseconds(Int64(delay * 1e9))) {}
                .futureResult.get()
        }
        throw lastError
            ?? BlobStoreError(code: .io, key: request.blobKey, operation: request.operation, reason: "S3 call failed")
    }
}
