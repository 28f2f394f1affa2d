import BenchSupport
import DICOM
import DICOMNetwork
import Foundation
import NIOCore

/// The three SCPs, measured one after the other with the same client and instances.
enum TargetKind: String, CaseIterable, BenchmarkTarget {
    /// Apus's network stack alone: `DICOMServer` in this process, data sets read and dropped.
    case noop
    /// The archive: the release `apus serve` binary as a child process (SQLite + files).
    case apus
    /// Orthanc (Debian's package) as a child process, its default SQLite + files storage.
    case orthanc
    /// The same Orthanc with `TCP_NODELAY=1` in its environment: DCMTK's switch that turns
    /// Nagle's algorithm off on its sockets (off by default in Debian's DCMTK).
    case orthancNoDelay = "orthanc-nodelay"

    var isOrthanc: Bool { self == .orthanc || self == .orthancNoDelay }

    static let comparisons: [(TargetKind, TargetKind)] = [(.apus, .orthanc), (.apus, .orthancNoDelay)]

    var title: String {
        switch self {
        case .noop: "no-op SCP"
        case .apus: "apus serve"
        case .orthanc: "Orthanc"
        case .orthancNoDelay: "Orthanc nd"
        }
    }
}

/// C-STORE that reads each data set to its end and drops it: the SCP side of the network
/// stack with nothing behind it (issue 3's figures).
struct DiscardingStorageService: StorageService {
    func store(_ request: CStoreRequest, dataSet: DataSetStream, context: AssociationContext) async throws
        -> ServiceResult
    {
        for try await _ in dataSet {}
        return .success
    }
}

/// Runs `body` against a `DICOMServer` with `DiscardingStorageService` on a free loopback
/// port, then cancels the server (structured: the server is a child task of this call).
func withNoOpServer<T: Sendable>(
    maximumPDULength: UInt32, _ body: @escaping @Sendable (Endpoint) async throws -> T
) async throws -> T {
    let server = DICOMServer(
        configuration: DICOMServer.Configuration(
            host: "127.0.0.1", port: 0,
            policy: AssociationPolicy(aeTitle: "NOOP", maximumPDULength: maximumPDULength, maximumAssociations: 16)),
        storage: DiscardingStorageService())
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await server.run { address in
                continuation.yield(address.port ?? 0)
                continuation.finish()
            }
            return nil
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw BenchmarkError("the no-op SCP did not start") }
        let result = try await body(Endpoint(port: port, aeTitle: "NOOP", maximumPDULength: maximumPDULength))
        group.cancelAll()
        while try await group.next() != nil {}
        return result
    }
}

/// `apus serve` on a fresh data directory, DICOM on a free loopback port; under `wrapper`
/// (a profiler and its options) when one is given.
func startApusServe(executable: String, wrapper: [String], directory: String) throws -> (ServerProcess, Endpoint) {
    let port = try freePort()
    let command = wrapper + [executable, "serve"]
    let process = try ServerProcess(
        name: "apus serve", executable: try resolve(command[0]), arguments: Array(command.dropFirst()),
        environment: ProcessInfo.processInfo.environment.merging([
            "APUS_DICOM_HOST": "127.0.0.1", "APUS_DICOM_PORT": "\(port)", "APUS_HTTP_HOST": "127.0.0.1",
            "APUS_HTTP_PORT": "0", "APUS_DATA_DIR": directory + "/data",
            "APUS_AE_TITLE": "APUS",
        ]) { _, new in new },
        logPath: directory + "/apus.log")
    return (process, Endpoint(port: port, aeTitle: "APUS"))
}

/// Orthanc with its defaults but for the ports, the storage and index folders, no plugins,
/// no HTTP server, and C-FIND allowed to any AE title (it is off by default); Nagle's
/// algorithm as DCMTK leaves it unless `noDelay`.
func startOrthanc(executable: String, directory: String, noDelay: Bool) throws -> (ServerProcess, Endpoint) {
    let port = try freePort()
    let configuration: [String: Any] = [
        "Name": "apus-bench",
        "StorageDirectory": directory + "/storage",
        "IndexDirectory": directory + "/index",
        "Plugins": [String](),
        "HttpServerEnabled": false,
        "RemoteAccessAllowed": false,
        "DicomServerEnabled": true,
        "DicomAet": "ORTHANC",
        "DicomPort": port,
        "DicomAlwaysAllowFind": true,
        "DicomAlwaysAllowGet": true,
    ]
    let path = directory + "/orthanc.json"
    let data = try JSONSerialization.data(withJSONObject: configuration, options: [.prettyPrinted, .sortedKeys])
    guard FileManager.default.createFile(atPath: path, contents: data) else {
        throw BenchmarkError("cannot write \(path)")
    }
    var environment = ProcessInfo.processInfo.environment
    environment["TCP_NODELAY"] = noDelay ? "1" : nil
    let process = try ServerProcess(
        name: "Orthanc", executable: executable, arguments: [path], environment: environment,
        logPath: directory + "/orthanc.log")
    return (process, Endpoint(port: port, aeTitle: "ORTHANC"))
}
