// swift-tools-version:6.1
import PackageDescription

// One list for every target: Swift 6 mode plus the upcoming features that keep
// imports and existentials explicit (STYLE.md, "Hummingbird 2 and postgres-nio").
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "apus",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DICOM", targets: ["DICOM"]),
        .library(name: "DICOMNetwork", targets: ["DICOMNetwork"]),
        .library(name: "DICOMImaging", targets: ["DICOMImaging"]),
        .library(name: "Archive", targets: ["Archive"]),
        .library(name: "ArchiveSQLite", targets: ["ArchiveSQLite"]),
        .library(name: "ArchiveS3", targets: ["ArchiveS3"]),
        .library(name: "ArchivePostgres", targets: ["ArchivePostgres"]),
        .library(name: "HTTPAPI", targets: ["HTTPAPI"]),
        .executable(name: "apus", targets: ["apus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // X.509 parsing: a DICOM peer's certificate subject (peerAccess), `apus check`'s expiry.
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        // swift-configuration support is not used (ServerConfiguration reads our settings).
        .package(
            url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
    ],
    targets: [
        // zlib's raw inflate/deflate for the Deflated Explicit VR Little Endian transfer syntax.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // SQLite for the embedded index, called directly: prepared statements are kept, and a
        // transaction runs in one trip to the thread pool.
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "DICOM",
            dependencies: [
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DICOMNetwork",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Images out of pixel data: frames, modality and VOI LUTs, rendering, the PNG and JPEG
        // encoders. NIOCore for the ByteBuffer values DICOM hands out; zlib for PNG's deflate.
        .target(
            name: "DICOMImaging",
            dependencies: [
                "CZlib",
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The domain: ingest, query, retrieve, change feed; the IndexStore and BlobStore
        // protocols and the filesystem blob store. NIOPosix only for its thread pool, so that
        // blocking file I/O (fsync above all) never runs on the cooperative executor.
        .target(
            name: "Archive",
            dependencies: [
                // SHA-1 for Orthanc-compatible resource ids (ResourceID).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ArchiveSQLite",
            dependencies: [
                "Archive",
                "DICOM",
                "CSQLite",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Blobs in S3 and S3-compatible object stores (MinIO, Ceph RGW), signed with SigV4.
        .target(
            name: "ArchiveS3",
            dependencies: [
                "Archive",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL index for many replicas on one database (README, "PostgreSQL").
        .target(
            name: "ArchivePostgres",
            dependencies: [
                "Archive",
                "DICOM",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // DICOMweb, the REST API, health and metrics over the archive, on Hummingbird.
        .target(
            name: "HTTPAPI",
            dependencies: [
                // zlib: CRC-32 for ZIP entries, gzip of JSON and XML answers.
                "CZlib",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Long responses (the change stream) end when the server shuts down gracefully.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "Archive",
                "DICOM",
                "DICOMImaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Configuration, wiring of the adapters behind the protocol servers, lifecycle.
        .target(
            name: "ApusServer",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                "DICOM",
                "DICOMNetwork",
                "Archive",
                "ArchiveSQLite",
                "ArchiveS3",
                "ArchivePostgres",
                "HTTPAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "apus",
            dependencies: [
                "HTTPAPI",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                "DICOM",
                "Archive",
                "DICOMNetwork",
                "ApusServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // Ctrl-C cancels apus get and apus move (C-CANCEL) instead of killing them.
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ParseBenchmark",
            dependencies: [
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "bench/ParseBenchmark",
            swiftSettings: swiftSettings
        ),
        // DICOMImaging's rendering and encoders against numpy + Pillow (bench/README.md).
        .executableTarget(
            name: "RenderBenchmark",
            dependencies: [
                "DICOM",
                "DICOMImaging",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "bench/RenderBenchmark",
            swiftSettings: swiftSettings
        ),
        // What the side-by-side benchmarks share: child servers, generated instances, C-STORE
        // workloads, the table of figures.
        .target(
            name: "BenchSupport",
            dependencies: [
                "DICOM",
                "DICOMNetwork",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "bench/BenchSupport",
            swiftSettings: swiftSettings
        ),
        // Apus's SCP and `apus serve` against Orthanc over DICOM networking (bench/README.md).
        .executableTarget(
            name: "DIMSEBenchmark",
            dependencies: [
                "BenchSupport",
                "DICOM",
                "DICOMNetwork",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "bench/DIMSEBenchmark",
            swiftSettings: swiftSettings
        ),
        // `apus serve` against Orthanc's DICOMweb plugin, on SQLite + files and on PostgreSQL
        // (and S3), with one HTTP client (bench/README.md).
        .executableTarget(
            name: "DICOMwebBenchmark",
            dependencies: [
                "BenchSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "bench/DICOMwebBenchmark",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DICOMTests",
            dependencies: [
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            // Read through #filePath, not bundled (Fixtures/README.md says where they come from).
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // LUT math, the encoders (decoded back by zlib and a reference JPEG decoder in the tests),
        // frames of pydicom's corpus, and rendering speed.
        .testTarget(
            name: "DICOMImagingTests",
            dependencies: [
                "CZlib",
                "DICOMImaging",
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Peers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArchiveTests",
            dependencies: [
                "Archive",
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // SigV4 against AWS's vectors; the BlobStore behaviour suite against the filesystem store
        // and S3BlobStore on a real S3 API server (moto_server, started by scripts/s3-for-tests).
        .testTarget(
            name: "ArchiveS3Tests",
            dependencies: [
                "ArchiveS3",
                "Archive",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArchiveSQLiteTests",
            dependencies: [
                "ArchiveSQLite",
                "Archive",
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The behaviour every index must have, run against SQLite and PostgreSQL (a server named
        // by APUS_TEST_POSTGRES_URL, which scripts/postgres-for-tests starts).
        .testTarget(
            name: "IndexStoreTests",
            dependencies: [
                "ArchiveSQLite",
                "ArchivePostgres",
                "Archive",
                "DICOM",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "JWTKit", package: "jwt-kit"),
                "HTTPAPI",
                "Archive",
                "ArchiveSQLite",
                "DICOM",
                "DICOMImaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The Python peers of the DICOMweb tests (dicomweb-client, pydicom, plain HTTP).
            exclude: ["Peers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DICOMNetworkTests",
            dependencies: [
                "DICOMNetwork",
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            // The Python peers the interop tests run (pynetdicom), not sources of the target.
            exclude: ["Peers"],
            swiftSettings: swiftSettings
        ),
        // The command line: unit tests of its parts, and the real `apus` binary (built by
        // `swift build`) against DCMTK's storescp and the in-process Apus server.
        .testTarget(
            name: "ApusCommandTests",
            dependencies: [
                "apus",
                "ApusServer",
                "DICOM",
                "DICOMNetwork",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The Python peers the tests run.
            exclude: ["Peers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ApusServerTests",
            dependencies: [
                "ApusServer",
                "ArchivePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // HTTP against a child `apus serve`: URLSession on Linux never completes a 401
                // with a challenge when it has no credential (swift-corelibs-foundation#5456).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "Archive",
                "ArchiveS3",
                "DICOM",
                "DICOMNetwork",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The Python peers the end-to-end tests run (pynetdicom); configuration files
            // (Fixtures/README.md says where they come from).
            exclude: ["Peers", "Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)
