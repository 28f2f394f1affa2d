import AsyncHTTPClient
import DICOM
import DICOMNetwork
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// Issue 7's local cluster: two `apus serve` replicas on one PostgreSQL database and one S3
/// bucket (moto_server) behind haproxy, HTTP in mode http with a /readyz health check and
/// DICOM in mode tcp. Clients store through the balancer (STOW-RS and C-STORE) while the
/// replicas are restarted one after the other with SIGTERM; every acknowledged instance must
/// be indexed and read back byte for byte, and nothing may fail that a client would not retry.
@Suite("A local cluster: two replicas behind haproxy, rolling restart under load")
struct ClusterTests {
    static let dicomLane = 7
    static let httpLane = 8
    /// Each client stops after this many instances even if the restart is slow: bounded.
    static let maximumPerClient = 400

    @Test func rollingRestartLosesNothingAcknowledged() async throws {
        let bucket = "apus-cluster-" + UUID().uuidString.lowercased().prefix(12)
        try await TestPostgres.withDatabase { url in
            try await S3EndToEndTests.withBucket(bucket) { _ in
                let directory = try TemporaryDirectory()
                let replicas = try (0..<2).map { _ in try Replica(dicomPort: FreePort.find(), httpPort: FreePort.find())
                }
                let configuration = Replica.Configuration(
                    dataDirectory: directory.path,
                    storage: "s3://\(bucket)/archive?endpoint=\(try S3EndToEndTests.endpoint())&addressing=path",
                    environment: S3EndToEndTests.credentials.merging(["APUS_DATABASE_URL": url]) { $1 })
                defer { for replica in replicas { replica.stop() } }
                for replica in replicas { try await replica.start(configuration) }
                let balancer = try Balancer(replicas: replicas)
                defer { balancer.stop() }
                try await balancer.waitUntilServing()

                let restarted = Flag()
                let dicomClient = StoreClient()
                let httpClient = StoreClient()
                let (dicomPort, httpPort) = (balancer.dicomPort, balancer.httpPort)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await Self.storeByCSTORE(port: dicomPort, until: restarted, dicomClient) }
                    group.addTask { await Self.storeBySTOW(port: httpPort, until: restarted, httpClient) }
                    // Some load first, so that the first replica stops with stores in flight.
                    let deadline = ContinuousClock.now + .seconds(20)
                    while dicomClient.acknowledged.count + httpClient.acknowledged.count < 20,
                        ContinuousClock.now < deadline
                    {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    for replica in replicas {
                        await replica.stopGracefully()
                        try await replica.start(configuration)
                        try await balancer.waitUntilServing()
                    }
                    restarted.set()
                    try await group.waitForAll()
                }

                let dicomSeen = dicomClient.acknowledged.all
                let httpSeen = httpClient.acknowledged.all
                #expect(
                    dicomClient.failures.isEmpty, "C-STORE failures a client would not retry: \(dicomClient.failures)")
                #expect(
                    httpClient.failures.isEmpty, "STOW-RS failures a client would not retry: \(httpClient.failures)")
                #expect(dicomSeen.count >= 10 && httpSeen.count >= 10, "too little load to test anything")
                for (lane, seen) in [(Self.dicomLane, dicomSeen), (Self.httpLane, httpSeen)] {
                    let study = "2.25.4242\(lane)"
                    let indexed = try await ReplicaTests.instances(of: study, port: balancer.dicomPort)
                    #expect(seen.isSubset(of: indexed), "acknowledged but not indexed: \(seen.subtracting(indexed))")
                    let retrieved = try await ReplicaTests.retrieve(study: study, port: balancer.dicomPort)
                    for uid in seen {
                        let number = Int(uid.split(separator: ".").last ?? "") ?? -1
                        let sent = DurabilityTests.instance(lane: lane, number: number).bytes
                        #expect(retrieved[uid] == sent, "\(uid) does not read back as sent")
                    }
                }
                for replica in replicas where !replica.problems.isEmpty {
                    print("replica \(replica.httpPort):\n" + replica.problems.joined(separator: "\n"))
                }
                // The clients' retries are what carried them over the restarts; say how many.
                print(
                    "cluster: \(dicomSeen.count) C-STORE (\(dicomClient.retries.count) retries), "
                        + "\(httpSeen.count) STOW-RS (\(httpClient.retries.count) retries) acknowledged through haproxy; "
                        + "retried: \((dicomClient.retries + httpClient.retries).prefix(4))")
            }
        }
    }

    /// C-STORE through the balancer, one association per instance as many modalities do;
    /// an error before the success status (refused, reset, aborted) is retried.
    static func storeByCSTORE(port: Int, until restarted: Flag, _ client: StoreClient) async {
        for number in 0..<maximumPerClient {
            if restarted.isSet && number >= 10 { return }
            let instance = DurabilityTests.instance(lane: dicomLane, number: number)
            await client.store(instance.uid) {
                let association = try await DICOMClient.connect(
                    host: "127.0.0.1", port: port, callingAETitle: "CLUSTER", calledAETitle: "APUS",
                    presentationContexts: [ProposedPresentationContext(abstractSyntax: .ctImageStorage)])
                let status = try await association.store(
                    dataSet: instance.bytes, sopClass: .ctImageStorage, sopInstance: UID(unchecked: instance.uid),
                    transferSyntax: .explicitVRLittleEndian)
                // Acknowledged: a failed release changes nothing for the instance.
                try? await association.release()
                return status.isSuccess ? .acknowledged : .failed("status \(status)")
            }
        }
    }

    /// STOW-RS through the balancer, one instance per request; a connection error or a 502,
    /// 503 or 504 (no replica ready) is retried, as dicomweb-client's users do. The client is
    /// AsyncHTTPClient: Foundation's URLSession on Linux at times sent a request's headers and
    /// never its body (haproxy logged 307 bytes of 8,763 received when the client gave up).
    static func storeBySTOW(port: Int, until restarted: Flag, _ client: StoreClient) async {
        for number in 0..<maximumPerClient {
            if restarted.isSet && number >= 10 { return }
            let instance = DurabilityTests.instance(lane: httpLane, number: number)
            guard
                var file = try? DICOMFile.part10Header(
                    sopClassUID: UID.ctImageStorage.rawValue, sopInstanceUID: instance.uid,
                    transferSyntax: .explicitVRLittleEndian)
            else { return }
            file.writeImmutableBuffer(instance.bytes)
            var body = ByteBuffer(string: "--cluster\r\nContent-Type: application/dicom\r\n\r\n")
            body.writeImmutableBuffer(file)
            body.writeString("\r\n--cluster--\r\n")
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/dicom-web/studies")
            request.method = .POST
            request.headers.add(
                name: "Content-Type", value: "multipart/related; type=\"application/dicom\"; boundary=cluster")
            request.headers.add(name: "Accept", value: "application/dicom+json")
            request.body = .bytes(body)
            let finalRequest = request
            await client.store(instance.uid) {
                let response = try await HTTPClient.shared.execute(finalRequest, timeout: .seconds(20))
                let answer = try await response.body.collect(upTo: 1 << 20)
                switch response.status.code {
                // 202: a retry whose first attempt was stored, answered with the duplicate warning.
                case 200, 202: return .acknowledged
                case 502, 503, 504: throw Retryable(reason: "HTTP \(response.status.code)")
                default: return .failed("HTTP \(response.status.code): \(String(buffer: answer))")
                }
            }
        }
    }
}

/// A replica of the cluster at fixed ports, so that the balancer finds it again after a restart.
final class Replica: Sendable {
    struct Configuration {
        var dataDirectory: String
        var storage: String
        var environment: [String: String]
    }

    let dicomPort: Int
    let httpPort: Int
    private let process = Mutex<ServerProcess?>(nil)
    private let log = Mutex<String>("")

    /// The warnings and errors it logged, over all its runs.
    var problems: [String] {
        log.withLock { $0 }.split(separator: "\n").filter { $0.contains("warning") || $0.contains("error") }.map(
            String.init)
    }

    init(dicomPort: Int, httpPort: Int) {
        self.dicomPort = dicomPort
        self.httpPort = httpPort
    }

    func start(_ configuration: Configuration) async throws {
        let server = try ServerProcess(
            dataDirectory: configuration.dataDirectory,
            arguments: [
                "--dicom-port", String(dicomPort), "--http-port", String(httpPort), "--storage", configuration.storage,
            ],
            environment: configuration.environment)
        process.withLock { $0 = server }
        _ = try await server.waitForPorts()
        // Read the log after start-up too, or the replica blocks once the pipe is full.
        server.output.fileHandleForReading.readabilityHandler = { [self] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            self.log.withLock { $0 += text }
        }
    }

    /// SIGTERM, then wait for the graceful exit (in-flight stores finish) without holding a thread.
    func stopGracefully() async {
        guard let server = process.withLock({ $0 }) else { return }
        server.process.terminate()
        let deadline = ContinuousClock.now + .seconds(20)
        while server.process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        stop()
    }

    func stop() {
        guard let server = process.withLock({ $0 }) else { return }
        server.output.fileHandleForReading.readabilityHandler = nil
        if server.process.isRunning { server.terminate() }
    }
}

/// haproxy in front of the replicas, on two free loopback ports.
struct Balancer {
    let httpPort: Int
    let dicomPort: Int
    let process: Process
    let directory: TemporaryDirectory

    init(replicas: [Replica]) throws {
        httpPort = try FreePort.find()
        dicomPort = try FreePort.find()
        directory = try TemporaryDirectory()
        let servers = replicas.enumerated()
        // Health from /readyz every 100 ms for both frontends: a replica that stops or loses its
        // database leaves at the first failed check; connections refused meanwhile go to the other.
        let configuration = """
            global
              maxconn 512
            defaults
              timeout connect 2s
              timeout client 30s
              timeout server 30s
              retries 3
              option redispatch 1
              default-server inter 100ms fall 1 rise 2
            frontend http
              mode http
              bind 127.0.0.1:\(httpPort)
              default_backend apus-http
            backend apus-http
              mode http
              option http-server-close
              option httpchk GET /readyz
              http-check expect status 200
            \(servers.map { "  server r\($0.offset) 127.0.0.1:\($0.element.httpPort) check" }.joined(separator: "\n"))
            frontend dicom
              mode tcp
              bind 127.0.0.1:\(dicomPort)
              default_backend apus-dicom
            backend apus-dicom
              mode tcp
              option httpchk GET /readyz
              http-check expect status 200
            \(servers.map { "  server r\($0.offset) 127.0.0.1:\($0.element.dicomPort) check port \($0.element.httpPort)" }.joined(separator: "\n"))

            """
        let path = directory.path + "/haproxy.cfg"
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        let check = try Tools.run("/usr/sbin/haproxy", ["-c", "-f", path])
        guard check.status == 0 else { throw Tools.ToolMissing(path: "a valid haproxy configuration: \(check.output)") }
        process = try Tools.start("/usr/sbin/haproxy", ["-db", "-f", path])
    }

    /// Until every backend server of both proxies is up, per haproxy's own health checks: a
    /// request through the balancer answers and /readyz of each replica did twice (rise 2).
    func waitUntilServing() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if await PostgresRestartTests.readiness(httpPort).status == 200 {
                // Two more check intervals, so that a replica just started has risen in both backends.
                try await Task.sleep(for: .milliseconds(400))
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Tools.ToolMissing(path: "haproxy serving /readyz on port \(httpPort)")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// What one client saw: the instances acknowledged, the errors retried and the failures.
final class StoreClient: Sendable {
    enum Outcome {
        case acknowledged
        case failed(String)
    }

    let acknowledged = Acknowledged()
    private let retriedErrors = Mutex<[String]>([])
    private let failedStores = Mutex<[String]>([])

    var retries: [String] { retriedErrors.withLock { $0 } }
    var failures: [String] { failedStores.withLock { $0 } }

    /// `attempt` until it gives an outcome; what it throws is retried for up to 20 seconds.
    func store(_ uid: String, _ attempt: () async throws -> Outcome) async {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                switch try await attempt() {
                case .acknowledged: acknowledged.insert(uid)
                case .failed(let reason): failedStores.withLock { $0.append("\(uid): \(reason)") }
                }
                return
            } catch {
                retriedErrors.withLock { $0.append("\(uid): \(error)") }
                if ContinuousClock.now > deadline {
                    failedStores.withLock { $0.append("\(uid): still failing after 20 s: \(error)") }
                    return
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

struct Retryable: Error {
    var reason: String
}

/// Set once, read by the client loops.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
