import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import Synchronization

/// Latencies of one kind of request, in seconds.
struct Latencies: Sendable {
    var samples: [Double] = []

    func percentile(_ fraction: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    var median: Double? { percentile(0.5) }
}

/// What a run of stores did: instances acknowledged with success, their bytes, the wall time.
struct StoreRun: Sendable {
    var stored = 0
    var failed = 0
    var bytes = 0
    var seconds = 0.0
    /// The first failure, for the report.
    var firstFailure: String?

    var instancesPerSecond: Double { Double(stored) / seconds }
    var megabytesPerSecond: Double { Double(bytes) / seconds / 1_000_000 }

    mutating func add(_ other: StoreRun) {
        stored += other.stored
        failed += other.failed
        bytes += other.bytes
        firstFailure = firstFailure ?? other.firstFailure
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

enum Workloads {
    /// `count` C-ECHOs on one association after a few warm-up ones, each timed; stops early at `limit`.
    static func echo(_ endpoint: Endpoint, count: Int, limit: Duration) async throws -> Latencies {
        let association = try await connect(endpoint)
        for _ in 0..<min(10, count) { _ = try await association.echo() }
        var latencies = Latencies()
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while latencies.samples.count < count, clock.now < deadline {
            let start = clock.now
            let status = try await association.echo()
            latencies.samples.append((clock.now - start).seconds)
            guard status.isSuccess else { throw BenchmarkError("C-ECHO answered \(status)") }
        }
        try await association.release()
        return latencies
    }

    /// The instances stored over `associations` associations at once (instance i on
    /// association i mod n); every association stops at the shared deadline. The time runs
    /// from the first request to the last response; associations are opened before it.
    static func store(_ instances: [Instance], on endpoint: Endpoint, associations: Int, limit: Duration)
        async throws -> StoreRun
    {
        let lanes = max(1, associations)
        var opened: [ClientAssociation] = []
        for _ in 0..<lanes { opened.append(try await connect(endpoint, timeout: .seconds(30))) }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + limit
        var total = StoreRun()
        try await withThrowingTaskGroup(of: StoreRun.self) { group in
            for (lane, association) in opened.enumerated() {
                group.addTask {
                    var run = StoreRun()
                    for index in stride(from: lane, to: instances.count, by: lanes) where clock.now < deadline {
                        let instance = instances[index]
                        let status = try await association.store(
                            dataSet: instance.dataSet, sopClass: instance.sopClass, sopInstance: instance.sopInstance,
                            transferSyntax: .explicitVRLittleEndian)
                        if status.isSuccess || status.isWarning {
                            run.stored += 1
                            run.bytes += instance.dataSet.readableBytes
                        } else {
                            run.failed += 1
                            run.firstFailure = run.firstFailure ?? "\(status)"
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
    static func ingestFindCorpus(
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

    /// A study-level query (Study Root) and how many studies it should match.
    struct StudyQuery: Sendable {
        let identifier: DataSet
        let expectedMatches: Int
    }

    /// Study-level C-FINDs over the first `studies` studies of the corpus: by Patient ID (one
    /// study) and by Patient Name prefix (ten studies), the studies drawn by a fixed sequence
    /// so every target gets the same queries.
    static func studyQueries(studies: Int, count: Int) -> (byID: [StudyQuery], byName: [StudyQuery]) {
        var random = SplitMix(seed: 42)
        var byID: [StudyQuery] = []
        var byName: [StudyQuery] = []
        let decades = studies / 10
        for _ in 0..<count where studies > 0 {
            let study = Int(random.next() % UInt64(studies))
            byID.append(
                StudyQuery(identifier: identifier(patientID: Instances.findPatient(study).id), expectedMatches: 1))
            guard decades > 0 else { continue }
            let decade = Int(random.next() % UInt64(decades))
            let name = Instances.findPatient(decade * 10).name
            byName.append(
                StudyQuery(identifier: identifier(patientName: String(name.dropLast()) + "*"), expectedMatches: 10))
        }
        return (byID, byName)
    }

    private static func identifier(patientID: String = "", patientName: String = "") -> DataSet {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, string: "STUDY")
        identifier.set(.patientID, string: patientID)
        identifier.set(.patientName, string: patientName)
        identifier.set(.studyInstanceUID, string: "")
        identifier.set(.studyDate, string: "")
        identifier.set(.accessionNumber, string: "")
        identifier.set(.modalitiesInStudy, string: "")
        identifier.set(.numberOfStudyRelatedInstances, string: "")
        return identifier
    }

    /// The queries on one association, each timed from request to final response; the
    /// number of queries whose match count was not the expected one.
    static func find(_ queries: [StudyQuery], on endpoint: Endpoint, limit: Duration) async throws -> (
        Latencies, wrong: Int
    ) {
        let association = try await connect(endpoint)
        var latencies = Latencies()
        var wrong = 0
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        for query in queries where clock.now < deadline {
            let start = clock.now
            var matches = 0
            for try await _ in association.find(query.identifier) { matches += 1 }
            latencies.samples.append((clock.now - start).seconds)
            if matches != query.expectedMatches { wrong += 1 }
        }
        try await association.release()
        return (latencies, wrong)
    }
}

/// A small deterministic generator, so that every target is asked the same queries.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// A counter shared by tasks and threads.
final class Counter: Sendable {
    private let atomic = Atomic(0)

    var value: Int { atomic.load(ordering: .relaxed) }

    /// Adds one and returns the new value.
    @discardableResult
    func increment() -> Int {
        atomic.wrappingAdd(1, ordering: .relaxed).newValue
    }
}
