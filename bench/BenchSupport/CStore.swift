import DICOM
package import DICOMNetwork
import Foundation
import NIOCore

/// Where a server listens for DICOM.
package struct Endpoint: Sendable {
    package let host = "127.0.0.1"
    package let port: Int
    package let aeTitle: String
    /// What our client offers as its maximum PDU length.
    package var maximumPDULength: UInt32

    package init(port: Int, aeTitle: String, maximumPDULength: UInt32 = 131_072) {
        self.port = port
        self.aeTitle = aeTitle
        self.maximumPDULength = maximumPDULength
    }
}

/// An association from the benchmark's AE title, proposing what every workload needs.
/// `window` > 1 proposes an asynchronous operations window of that many requests.
package func connect(_ endpoint: Endpoint, timeout: Duration = .seconds(10), window: Int = 1) async throws
    -> ClientAssociation
{
    try await DICOMClient.connect(
        host: endpoint.host, port: endpoint.port, callingAETitle: "BENCH", calledAETitle: endpoint.aeTitle,
        presentationContexts: [
            .verification,
            ProposedPresentationContext(abstractSyntax: .mrImageStorage, transferSyntaxes: [.explicitVRLittleEndian]),
            ProposedPresentationContext(abstractSyntax: .ctImageStorage, transferSyntaxes: [.explicitVRLittleEndian]),
            ProposedPresentationContext(abstractSyntax: .studyRootQueryRetrieveInformationModelFind),
        ],
        maximumPDULength: endpoint.maximumPDULength,
        options: DICOMClient.Options(connectTimeout: timeout, associationTimeout: timeout, operationsWindow: window))
}

/// Waits until the server answers a C-ECHO, up to `timeout`.
package func waitUntilReady(_ endpoint: Endpoint, process: ServerProcess, timeout: Duration = .seconds(60))
    async throws
{
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        guard process.pid != nil else {
            throw BenchmarkError("\(process.name) exited at start:\n\(process.logTail())")
        }
        if let association = try? await connect(endpoint, timeout: .seconds(2)) {
            let status = try? await association.echo()
            try? await association.release()
            if status?.isSuccess == true { return }
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw BenchmarkError("\(process.name) did not answer C-ECHO within \(timeout):\n\(process.logTail())")
}

/// The C-STORE workloads every benchmark shares.
package enum Workloads {
    /// The instances stored over `associations` associations at once (instance i on
    /// association i mod n); every association stops at the shared deadline. The time runs
    /// from the first request to the last response; associations are opened before it. With
    /// `window` > 1 each association proposes an asynchronous operations window and keeps as
    /// many requests outstanding as the server allows (one if it allows none).
    package static func store(
        _ instances: [Instance], on endpoint: Endpoint, associations: Int, window: Int = 1, limit: Duration
    ) async throws -> StoreRun {
        let lanes = max(1, associations)
        var opened: [ClientAssociation] = []
        for _ in 0..<lanes { opened.append(try await connect(endpoint, timeout: .seconds(30), window: window)) }
        try await Machine.settle()
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + limit
        var total = StoreRun()
        try await withThrowingTaskGroup(of: StoreRun.self) { group in
            for (lane, association) in opened.enumerated() {
                group.addTask {
                    var run = StoreRun()
                    let mine = Array(stride(from: lane, to: instances.count, by: lanes))
                    // Batches of a few windows: the deadline is checked between them.
                    let batch = window > 1 ? 4 * window : 1
                    for start in stride(from: 0, to: mine.count, by: batch) where clock.now < deadline {
                        let chosen = mine[start..<min(start + batch, mine.count)].map { instances[$0] }
                        let responses = try await association.storeResponses(
                            chosen.map {
                                StoreItem(
                                    dataSet: $0.dataSet, sopClass: $0.sopClass, sopInstance: $0.sopInstance,
                                    transferSyntax: .explicitVRLittleEndian)
                            })
                        for (instance, response) in zip(chosen, responses) {
                            if response.status.isSuccess || response.status.isWarning {
                                run.stored += 1
                                run.bytes += instance.dataSet.readableBytes
                            } else {
                                run.failed += 1
                                run.firstFailure = run.firstFailure ?? "\(response.status)"
                            }
                        }
                    }
                    return run
                }
            }
            for try await run in group { total.add(run) }
        }
        total.seconds = (clock.now - start).seconds
        for association in opened { try await association.release() }
        return total
    }

    /// Stores the C-FIND corpus (generated as it goes) up to `count` instances or `limit`,
    /// over `associations` associations taking the next instance from a shared counter.
    package static func ingestFindCorpus(
        on endpoint: Endpoint, count: Int, perStudy: Int, associations: Int, limit: Duration,
        progress: @escaping @Sendable (Int) -> Void
    ) async throws -> StoreRun {
        let next = Counter()
        let done = Counter()
        let pixels = Instances.pixelData(rows: 64, columns: 64)
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + limit
        var total = StoreRun()
        try await withThrowingTaskGroup(of: StoreRun.self) { group in
            for _ in 0..<max(1, associations) {
                group.addTask {
                    let association = try await connect(endpoint, timeout: .seconds(30))
                    var run = StoreRun()
                    while clock.now < deadline {
                        let index = next.increment() - 1
                        guard index < count else { break }
                        let instance = try Instances.findCorpus(
                            workload: 9, index: index, perStudy: perStudy, pixels: pixels)
                        let status = try await association.store(
                            dataSet: instance.dataSet, sopClass: instance.sopClass, sopInstance: instance.sopInstance,
                            transferSyntax: .explicitVRLittleEndian)
                        guard status.isSuccess || status.isWarning else {
                            run.failed += 1
                            run.firstFailure = run.firstFailure ?? "\(status)"
                            continue
                        }
                        run.stored += 1
                        run.bytes += instance.dataSet.readableBytes
                        let stored = done.increment()
                        if stored % 10_000 == 0 { progress(stored) }
                    }
                    try await association.release()
                    return run
                }
            }
            for try await run in group { total.add(run) }
        }
        total.seconds = (clock.now - start).seconds
        return total
    }
}
