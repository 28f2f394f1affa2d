import AsyncHTTPClient
import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// Issue 6: PostgreSQL restarted under load. `apus serve` (files on disk, index in a cluster
/// of the test's own) takes C-STOREs one after the other on two associations while the
/// database restarts (`pg_ctl restart -m fast`), then is stopped as after a crash
/// (`-m immediate`) for 5 s and started again. During the outage stores are refused
/// with a failure status, soon, and `/readyz` answers 503; once the database is back, stores
/// succeed again within 30 s and `/readyz` answers 200; every acknowledged instance is
/// indexed and reads back as sent.
@Suite("apus serve while its PostgreSQL restarts")
struct PostgresRestartTests {
    static let lane = 9
    static let study = "2.25.4242\(lane)"
    /// Longer than any answer may take: a store or a readiness check slower than this hangs.
    static let answerLimit = Duration.seconds(20)
    static let recoveryLimit = Duration.seconds(30)
    /// Longer than the index waits for a connection (2 s) and the retry before it, so that a
    /// store begun after the crash is answered before the start.
    static let outage = Duration.seconds(5)

    @Test func storesFailCleanlyDuringTheOutageAndResumeAfter() async throws {
        try await PrivatePostgres.withRunning { postgres in
            let directory = try TemporaryDirectory()
            try await ServerProcess.withRunning(dataDirectory: directory.path, arguments: ["--database", postgres.url])
            {
                server in
                let (dicomPort, httpPort) = try await server.waitForPorts()
                let log = ServerLog(server)
                defer { log.stop() }
                let loop = StoreLoop(port: dicomPort)
                let timeline = try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await loop.run() }
                    defer { loop.stop() }
                    return try await Self.restartTwice(postgres, loop: loop, httpPort: httpPort)
                }
                try await Self.check(loop.outcomes, timeline: timeline, dicomPort: dicomPort, log: log.text)
            }
        }
    }

    /// When the database went down and came back, and what `/readyz` said in between.
    struct Timeline {
        var restarted: ContinuousClock.Instant
        var down: ContinuousClock.Instant
        /// Between these two PostgreSQL surely runs no more and not yet again.
        var stopped: ContinuousClock.Instant
        var starting: ContinuousClock.Instant
        var up: ContinuousClock.Instant
        var readinessDown: (status: UInt?, took: Duration)
        var readinessBack: Duration?
    }

    static func restartTwice(_ postgres: PrivatePostgres, loop: StoreLoop, httpPort: Int) async throws -> Timeline {
        try await loop.waitForAcknowledged(after: .now, count: 10)
        #expect(await readiness(httpPort).status == 200)

        // A clean restart: sessions end, the server stops and starts within a second or so.
        let restarted = ContinuousClock.now
        try await postgres.restart()
        try await loop.waitForAcknowledged(after: .now, count: 5)

        // A crash: gone at once, back after `outage`. /readyz is asked meanwhile, aside, so
        // that a check that hangs does not make the outage longer.
        let down = ContinuousClock.now
        try await postgres.stopImmediately()
        let stopped = ContinuousClock.now
        async let readinessDown = { () async -> (status: UInt?, took: Duration) in
            try? await Task.sleep(for: .milliseconds(500))
            return await readiness(httpPort)
        }()
        try await ContinuousClock().sleep(until: down + outage)
        let starting = ContinuousClock.now
        try await postgres.start()
        let up = ContinuousClock.now
        var readinessBack: Duration?
        while readinessBack == nil, up.duration(to: .now) < recoveryLimit {
            if await readiness(httpPort).status == 200 { readinessBack = up.duration(to: .now) }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await loop.waitForAcknowledged(after: up, count: 5)
        // Each association acknowledged again, the one whose store went unanswered included.
        for lane in 0..<StoreLoop.lanes {
            try await loop.waitForAcknowledged(after: up, count: 1, lane: lane)
        }
        return Timeline(
            restarted: restarted, down: down, stopped: stopped, starting: starting, up: up,
            readinessDown: await readinessDown, readinessBack: readinessBack)
    }

    static func check(_ outcomes: [StoreLoop.Outcome], timeline: Timeline, dicomPort: Int, log: String) async throws {
        let acknowledged = Set(outcomes.filter { $0.result == .acknowledged }.map(\.uid))
        let refused = outcomes.filter { if case .refused = $0.result { true } else { false } }
        // postgres-nio 1.33 writes a query to its channel without a promise: a query written
        // just as the server closes the connection is dropped and never completes. The store
        // in flight at that instant is then never answered (its peer's timeout ends it, and a
        // new association works), at most one per association and disruption; any other fails.
        let unanswered = outcomes.filter { if case .error = $0.result { true } else { false } }
        let dropped = unanswered.filter { outcome in
            [timeline.restarted, timeline.down].contains {
                (($0 - .seconds(1))...($0 + .seconds(1))).contains(outcome.started)
            }
        }
        let errors = unanswered.filter { outcome in !dropped.contains { $0.uid == outcome.uid } }.map {
            "\($0.uid): \($0.result)"
        }
        let slowest =
            outcomes.filter { if case .error = $0.result { false } else { true } }
            .map { $0.started.duration(to: $0.ended) }.max() ?? .zero
        print(
            "PostgreSQL restart: \(outcomes.count) C-STOREs, \(acknowledged.count) acknowledged, "
                + "\(refused.count) refused (\(Set(refused.map(\.result)))), \(unanswered.count) unanswered; "
                + "slowest answer \(slowest); /readyz while down: \(timeline.readinessDown.status.map(String.init) ?? "none") "
                + "in \(timeline.readinessDown.took), 200 again \(timeline.readinessBack.map { "\($0)" } ?? "never") "
                + "after the start")

        let slow = outcomes.filter { $0.started.duration(to: $0.ended) > .seconds(5) }.map {
            "\($0.uid) began \(timeline.restarted.duration(to: $0.started)) after the restart, "
                + "\(timeline.down.duration(to: $0.started)) after the crash"
        }
        let notices = log.split(separator: "\n").filter { !$0.contains("[PostgresNIO]") && !$0.contains(" info ") }
        #expect(slowest < answerLimit, "a store took \(slowest) to answer: \(slow); apus: \(notices.suffix(8))")
        #expect(errors.isEmpty, "stores that ended without a status: \(errors.prefix(5))")
        #expect(dropped.count <= 2 * StoreLoop.lanes, "unanswered around the restarts: \(dropped.map(\.uid))")
        for lost in dropped {
            #expect(
                outcomes.contains { $0.lane == lost.lane && $0.started > lost.ended && $0.result == .acknowledged },
                "no store acknowledged on a new association after the unanswered \(lost.uid)")
        }
        for outcome in refused {
            guard case .refused(let status) = outcome.result else { continue }
            // Out of resources (A7xx) or cannot understand (Cxxx): failures a peer sends again after.
            #expect(status & 0xFF00 == 0xA700 || status & 0xF000 == 0xC000, "refused with \(String(status, radix: 16))")
        }
        // The crash lasted long enough that stores began and ended inside it: refused, not held.
        let duringOutage = outcomes.filter { $0.started >= timeline.stopped && $0.ended <= timeline.starting }
        let warnings = log.split(separator: "\n").filter { $0.contains("warning") || $0.contains("error") }.suffix(8)
        #expect(!duringOutage.isEmpty, "no store was answered while the database was down; apus: \(warnings)")
        #expect(duringOutage.allSatisfy { $0.result != .acknowledged })
        #expect(timeline.readinessDown.status == 503, "/readyz while the database was down")
        #expect(timeline.readinessDown.took < answerLimit)
        #expect(timeline.readinessBack != nil, "/readyz not 200 within \(recoveryLimit) of the database's start")
        let firstBack = outcomes.first { $0.started >= timeline.up && $0.result == .acknowledged }
        #expect(
            firstBack.map { timeline.up.duration(to: $0.ended) < recoveryLimit } == true,
            "no store acknowledged within \(recoveryLimit) of the database's start")

        // Nothing acknowledged is lost: indexed, and read back byte for byte.
        let indexed = try await ReplicaTests.instances(of: study, port: dicomPort)
        #expect(acknowledged.isSubset(of: indexed), "acknowledged, not indexed: \(acknowledged.subtracting(indexed))")
        let retrieved = try await ReplicaTests.retrieve(study: study, port: dicomPort)
        for uid in acknowledged {
            let number = Int(uid.split(separator: ".").last ?? "") ?? -1
            #expect(
                retrieved[uid] == DurabilityTests.instance(lane: lane, number: number).bytes,
                "\(uid) reads back changed")
        }
    }

    /// `/readyz`'s status (nil: no answer within the limit) and how long it took.
    static func readiness(_ httpPort: Int) async -> (status: UInt?, took: Duration) {
        let started = ContinuousClock.now
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)/readyz")
        let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(20))
        _ = try? await response?.body.collect(upTo: 1 << 16)
        return (response?.status.code, started.duration(to: .now))
    }
}

/// C-STOREs one after the other on each of two associations, a new one when one fails, each
/// with when it started and ended and how.
final class StoreLoop: Sendable {
    enum Result: Hashable {
        case acknowledged
        case refused(UInt16)
        case error(String)
    }

    struct Outcome {
        var lane: Int
        var uid: String
        var started: ContinuousClock.Instant
        var ended: ContinuousClock.Instant
        var result: Result
    }

    /// Enough for a minute and more at the loop's pace; bounded whatever happens.
    static let maximum = 3000
    static let lanes = 2
    let port: Int
    private let stopped = Flag()
    private let recorded = Mutex<[Outcome]>([])

    init(port: Int) { self.port = port }

    var outcomes: [Outcome] { recorded.withLock { $0 } }

    func stop() { stopped.set() }

    /// Two associations side by side, so that one whose store goes unanswered does not
    /// leave the outage without stores.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for lane in 0..<Self.lanes {
                group.addTask { await self.run(lane: lane) }
            }
        }
    }

    private func run(lane: Int) async {
        var association: ClientAssociation?
        for number in stride(from: lane, to: Self.maximum, by: Self.lanes) where !stopped.isSet {
            let instance = DurabilityTests.instance(lane: PostgresRestartTests.lane, number: number)
            let started = ContinuousClock.now
            let result: Result
            do {
                let current: ClientAssociation
                if let association {
                    current = association
                } else {
                    current = try await connect()
                }
                association = current
                let status = try await current.store(
                    dataSet: instance.bytes, sopClass: .ctImageStorage, sopInstance: UID(unchecked: instance.uid),
                    transferSyntax: .explicitVRLittleEndian)
                result = status.isSuccess ? .acknowledged : .refused(status.rawValue)
            } catch {
                result = .error("\(error)")
                association = nil
            }
            recorded.withLock {
                $0.append(Outcome(lane: lane, uid: instance.uid, started: started, ended: .now, result: result))
            }
            // A modest pace: a few thousand instances at most over the whole test.
            try? await Task.sleep(for: .milliseconds(result == .acknowledged ? 10 : 100))
        }
        try? await association?.release()
    }

    private func connect() async throws -> ClientAssociation {
        try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "RESTART", calledAETitle: "APUS",
            presentationContexts: [ProposedPresentationContext(abstractSyntax: .ctImageStorage)],
            options: DICOMClient.Options(responseTimeout: PostgresRestartTests.answerLimit))
    }

    /// Until `count` stores that started after `instant` are acknowledged, for 30 s at most.
    func waitForAcknowledged(after instant: ContinuousClock.Instant, count: Int, lane: Int? = nil) async throws {
        let deadline = ContinuousClock.now + PostgresRestartTests.recoveryLimit
        while ContinuousClock.now < deadline {
            let done = outcomes.count(where: {
                $0.started >= instant && $0.result == .acknowledged && (lane == nil || $0.lane == lane)
            })
            if done >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("fewer than \(count) stores acknowledged within \(PostgresRestartTests.recoveryLimit)")
    }
}

/// What a running `apus serve` prints, read as it comes so that the pipe never fills up.
final class ServerLog: Sendable {
    private let handle: FileHandle
    private let collected = Mutex<String>("")

    init(_ server: ServerProcess) {
        handle = server.output.fileHandleForReading
        handle.readabilityHandler = { [self] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            self.collected.withLock { $0 += text }
        }
    }

    var text: String { collected.withLock { $0 } }

    func stop() { handle.readabilityHandler = nil }
}
