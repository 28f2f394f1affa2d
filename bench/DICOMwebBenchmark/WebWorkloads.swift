import AsyncHTTPClient
import BenchSupport
import Foundation
import NIOCore

/// The DICOMweb workloads, the same requests for every server.
enum WebWorkloads {
    static let dicomAccept = "multipart/related; type=\"application/dicom\""

    /// STOW-RS of `files` (Part 10) in requests of `batch` instances over `clients` clients at
    /// once (request i on client i mod n). Bodies are built before the clock starts; the time
    /// runs from the first request to the last answer. An instance counts as stored when its
    /// request is answered 200.
    static func stow(
        _ files: [ByteBuffer], to root: String, batch: Int, clients: Int, client: WebClient, limit: Duration
    )
        async throws -> StoreRun
    {
        let batches = stride(from: 0, to: files.count, by: batch).map {
            Array(files[$0..<min($0 + batch, files.count)])
        }
        let bodies = batches.map {
            (body: Multipart.body($0), count: $0.count, bytes: $0.reduce(0) { $0 + $1.readableBytes })
        }
        let lanes = max(1, clients)
        try await Machine.settle()
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + limit
        var total = StoreRun()
        try await withThrowingTaskGroup(of: StoreRun.self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var run = StoreRun()
                    for index in stride(from: lane, to: bodies.count, by: lanes) where clock.now < deadline {
                        let request = bodies[index]
                        let answer = try await client.stow(root + "/studies", body: .bytes(request.body))
                        if answer.status == 200 {
                            run.stored += request.count
                            run.bytes += request.bytes
                        } else {
                            run.failed += request.count
                            run.firstFailure = run.firstFailure ?? "HTTP \(answer.status): \(answer.text.prefix(300))"
                        }
                    }
                    return run
                }
            }
            for try await run in group { total.add(run) }
        }
        total.seconds = (clock.now - start).seconds
        return total
    }

    /// `clients` clients each uploading `instancesEach` CT images in one STOW-RS request,
    /// made part by part as the upload goes (workloads `firstWorkload`…), while `server`'s
    /// resident set is sampled; returns the run and the peak RSS in bytes.
    static func bigUploads(
        to root: String, clients: Int, instancesEach: Int, firstWorkload: Int, client: WebClient,
        server: ServerProcess
    ) async throws -> (StoreRun, peak: Int) {
        let pixels = Instances.pixelData(rows: 512, columns: 512)
        // Every part's size first, for Content-Length (chunked uploads are not what most
        // clients send, and not every server takes them).
        var lengths: [Int] = []
        for lane in 0..<clients {
            var sizes: [Int] = []
            for number in 1...instancesEach {
                sizes.append(
                    try Instances.part10(Instances.ct(workload: firstWorkload + lane, number: number, pixels: pixels))
                        .readableBytes)
            }
            lengths.append(Multipart.length(of: sizes))
        }
        try await Machine.settle()
        server.resetPeakMemory()
        let sampled = Maximum()
        let clock = ContinuousClock()
        let start = clock.now
        var total = StoreRun()
        try await withThrowingTaskGroup(of: StoreRun?.self) { group in
            // The sampler: VmRSS every 50 ms, in case the kernel cannot reset VmHWM.
            group.addTask {
                while !Task.isCancelled {
                    if let current = server.memory()?.current { sampled.record(current) }
                    try? await Task.sleep(for: .milliseconds(50))
                }
                return nil
            }
            for lane in 0..<clients {
                let length = lengths[lane]
                group.addTask {
                    let body = LazyMultipartBody(count: instancesEach) { index in
                        try Instances.part10(
                            Instances.ct(workload: firstWorkload + lane, number: index + 1, pixels: pixels))
                    }
                    let answer = try await client.stow(
                        root + "/studies", body: .stream(body, length: .known(Int64(length))))
                    var run = StoreRun()
                    if answer.status == 200 {
                        run.stored = instancesEach
                        run.bytes = length
                    } else {
                        run.failed = instancesEach
                        run.firstFailure = "HTTP \(answer.status): \(answer.text.prefix(300))"
                    }
                    return run
                }
            }
            var finished = 0
            for try await run in group {
                guard let run else { continue }
                total.add(run)
                finished += 1
                if finished == clients { group.cancelAll() }
            }
        }
        total.seconds = (clock.now - start).seconds
        let peak = max(server.memory()?.peak ?? 0, sampled.value)
        return (total, peak)
    }

    /// WADO-RS of a whole study, `passes` times; the first and the best pass in MB/s, after
    /// checking that each answer is 200 and at least `expectedBytes` long. The first pass is
    /// where a server that wrote past the page cache reads from the disk.
    static func retrieveStudy(_ study: String, from root: String, expectedBytes: Int, passes: Int, client: WebClient)
        async throws -> (first: Double, best: Double)
    {
        var best = 0.0
        var first: Double?
        let clock = ContinuousClock()
        for _ in 0..<passes {
            let start = clock.now
            let (status, bytes) = try await client.getCounting(root + "/studies/" + study, accept: dicomAccept)
            let seconds = (clock.now - start).seconds
            guard status == 200, bytes >= expectedBytes else {
                throw BenchmarkError(
                    "WADO-RS of study \(study): HTTP \(status), \(bytes) bytes (expected \(expectedBytes))")
            }
            let rate = Double(bytes) / seconds / 1_000_000
            first = first ?? rate
            best = max(best, rate)
        }
        return (first ?? 0, best)
    }

    /// The study's metadata (DICOM JSON) `requests` times after one untimed request, whose
    /// answer must list `instances` objects.
    static func metadata(_ study: String, from root: String, instances: Int, requests: Int, client: WebClient)
        async throws -> Latencies
    {
        let url = root + "/studies/" + study + "/metadata"
        let first = try await client.get(url, accept: "application/dicom+json")
        guard first.status == 200, let count = jsonArrayCount(first.body), count == instances else {
            throw BenchmarkError(
                "metadata of study \(study): HTTP \(first.status), \(first.body.readableBytes) bytes, not \(instances) objects"
            )
        }
        var latencies = Latencies()
        let clock = ContinuousClock()
        for _ in 0..<requests {
            let start = clock.now
            let answer = try await client.get(url, accept: "application/dicom+json")
            latencies.samples.append((clock.now - start).seconds)
            guard answer.status == 200 else { throw BenchmarkError("metadata: HTTP \(answer.status)") }
        }
        return latencies
    }

    /// Study-level QIDO-RS requests, one at a time, each timed to the end of its body; the
    /// number whose answer did not list `expected` studies.
    static func query(_ parameters: [String], expected: Int, root: String, client: WebClient, limit: Duration)
        async throws -> (Latencies, wrong: Int)
    {
        var latencies = Latencies()
        var wrong = 0
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        for parameter in parameters where clock.now < deadline {
            let start = clock.now
            let answer = try await client.get(root + "/studies?" + parameter, accept: "application/dicom+json")
            latencies.samples.append((clock.now - start).seconds)
            if answer.status != 200 || jsonArrayCount(answer.body) != expected { wrong += 1 }
        }
        return (latencies, wrong)
    }

    /// `key=value`, the value percent-encoded for a query string.
    static func parameter(_ key: String, _ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+^")
        return key + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
    }
}
