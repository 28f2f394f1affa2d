import BenchSupport
import Foundation

/// The servers measured, one after the other, with the same HTTP and DICOM clients.
enum WebTarget: String, CaseIterable, BenchmarkTarget {
    /// `apus serve` on its default: SQLite index, files on disk.
    case apus
    /// Orthanc (Debian) with its DICOMweb plugin, its default SQLite index and files.
    case orthanc
    /// `apus serve --database postgres://… --storage postgres`: index and files in PostgreSQL.
    case apusPostgres = "apus-postgres"
    /// `apus serve --database postgres://… --storage s3://…`: the index in PostgreSQL, files in
    /// the S3 server of APUS_TEST_S3_ENDPOINT (moto_server, or `rclone serve s3`).
    case apusS3 = "apus-s3"
    /// `apus serve --database postgres://…`: the index in PostgreSQL, files on disk (a shared
    /// volume in Korthweb's topology); what S3 ingest is measured against.
    case apusPostgresFiles = "apus-postgres-files"
    /// Orthanc with its PostgreSQL index and storage plugins and DICOMweb: the Korthweb setup.
    case orthancPostgres = "orthanc-postgres"

    var title: String {
        switch self {
        case .apus: "apus"
        case .orthanc: "Orthanc"
        case .apusPostgres: "apus pg"
        case .apusS3: "apus pg+s3"
        case .apusPostgresFiles: "apus pg+files"
        case .orthancPostgres: "Orthanc pg"
        }
    }

    static let comparisons: [(WebTarget, WebTarget)] = [
        (.apus, .orthanc), (.apusPostgres, .orthancPostgres), (.apusS3, .orthancPostgres),
        (.apusS3, .apusPostgresFiles),
    ]

    var isOrthanc: Bool { self == .orthanc || self == .orthancPostgres }

    var defaultWorkloads: Set<Workload> {
        switch self {
        case .apus, .orthanc: Set(Workload.allCases)
        case .apusPostgres, .apusS3, .apusPostgresFiles, .orthancPostgres: [.stow, .cstore, .qido]
        }
    }
}

/// A server started for the benchmark: its process, DICOM endpoint and DICOMweb root.
struct RunningServer {
    let process: ServerProcess
    let endpoint: Endpoint
    let httpPort: Int

    var dicomWeb: String { "http://127.0.0.1:\(httpPort)/dicom-web" }
}

enum Servers {
    /// Starts `target` with its data under `directory` (and its own database or bucket).
    static func start(_ target: WebTarget, options: Options, directory: String) throws -> RunningServer {
        switch target {
        case .apus:
            return try apus(options: options, directory: directory, settings: [:])
        case .apusPostgres:
            let database = try Backends.createDatabase("bench_apus_pg_\(getpid())")
            return try apus(
                options: options, directory: directory,
                settings: ["APUS_DATABASE_URL": database, "APUS_STORAGE": "postgres"])
        case .apusS3:
            let database = try Backends.createDatabase("bench_apus_s3_\(getpid())")
            let storage = try Backends.createBucket("apus-bench-\(getpid())")
            return try apus(
                options: options, directory: directory,
                settings: [
                    "APUS_DATABASE_URL": database, "APUS_STORAGE": storage,
                    "APUS_S3_ACCESS_KEY_ID": "bench", "APUS_S3_SECRET_ACCESS_KEY": "bench",
                ])
        case .apusPostgresFiles:
            let database = try Backends.createDatabase("bench_apus_pg_files_\(getpid())")
            return try apus(options: options, directory: directory, settings: ["APUS_DATABASE_URL": database])
        case .orthanc:
            return try orthanc(options: options, directory: directory, postgres: nil)
        case .orthancPostgres:
            _ = try Backends.createDatabase("bench_orthanc_pg_\(getpid())")
            return try orthanc(
                options: options, directory: directory,
                postgres: try Backends.server(database: "bench_orthanc_pg_\(getpid())"))
        }
    }

    /// The release `apus serve`, DICOM and HTTP on free loopback ports, `settings` on top.
    private static func apus(options: Options, directory: String, settings: [String: String]) throws -> RunningServer {
        let dicomPort = try freePort()
        let httpPort = try freePort()
        let environment = ProcessInfo.processInfo.environment.merging(
            [
                "APUS_DICOM_HOST": "127.0.0.1", "APUS_DICOM_PORT": "\(dicomPort)", "APUS_HTTP_HOST": "127.0.0.1",
                "APUS_HTTP_PORT": "\(httpPort)", "APUS_DATA_DIR": directory + "/data", "APUS_AE_TITLE": "APUS",
            ].merging(settings) { _, new in new }
        ) { _, new in new }
        let process = try ServerProcess(
            name: "apus serve", executable: options.apusExecutable, arguments: ["serve"], environment: environment,
            logPath: directory + "/apus.log")
        return RunningServer(process: process, endpoint: Endpoint(port: dicomPort, aeTitle: "APUS"), httpPort: httpPort)
    }

    /// Orthanc with its defaults but for the ports, the folders, the plugins (DICOMweb, and the
    /// PostgreSQL index and storage when `postgres` is given), C-FIND for any AE title, and
    /// HTTP on the loopback without authentication.
    private static func orthanc(options: Options, directory: String, postgres: Backends.PostgresServer?) throws
        -> RunningServer
    {
        let dicomPort = try freePort()
        let httpPort = try freePort()
        var plugins = [options.plugins + "/libOrthancDicomWeb.so"]
        var configuration: [String: Any] = [
            "Name": "apus-bench",
            "StorageDirectory": directory + "/storage",
            "IndexDirectory": directory + "/index",
            "HttpServerEnabled": true,
            "HttpPort": httpPort,
            "RemoteAccessAllowed": false,
            "AuthenticationEnabled": false,
            "DicomServerEnabled": true,
            "DicomAet": "ORTHANC",
            "DicomPort": dicomPort,
            "DicomAlwaysAllowFind": true,
            "DicomWeb": ["Enable": true, "Root": "/dicom-web/"],
        ]
        if let postgres {
            plugins += [
                options.plugins + "/libOrthancPostgreSQLIndex.so", options.plugins + "/libOrthancPostgreSQLStorage.so",
            ]
            configuration["PostgreSQL"] = [
                "EnableIndex": true, "EnableStorage": true, "Host": postgres.host, "Port": postgres.port,
                "Database": postgres.database, "Username": postgres.user, "Password": "", "Lock": false,
            ]
        }
        configuration["Plugins"] = plugins
        let path = directory + "/orthanc.json"
        let data = try JSONSerialization.data(withJSONObject: configuration, options: [.prettyPrinted, .sortedKeys])
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw BenchmarkError("cannot write \(path)")
        }
        let process = try ServerProcess(
            name: "Orthanc", executable: options.orthanc, arguments: [path],
            environment: ProcessInfo.processInfo.environment, logPath: directory + "/orthanc.log")
        return RunningServer(
            process: process, endpoint: Endpoint(port: dicomPort, aeTitle: "ORTHANC"), httpPort: httpPort)
    }
}
