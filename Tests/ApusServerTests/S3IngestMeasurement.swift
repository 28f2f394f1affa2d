import DICOM
import DICOMNetwork
import Foundation
import Logging
import NIOCore
import Testing

@testable import ApusServer

/// C-STORE throughput of the in-process server with 4 clients at once, into files and into
/// the test S3 server (moto_server): printed, not asserted. A debug build and moto (a Python
/// server keeping objects in memory) make the absolute figures meaningless; the ratio says
/// whether concurrency keeps an object store's per-request latency from serializing ingest.
@Suite("Ingest measurement: files against S3")
struct S3IngestMeasurement {
    static let clients = 4
    static let instancesPerClient = 16
    static let pixelBytes = 512 * 1024

    @Test func fourClientsIntoFilesAndIntoS3() async throws {
        let files = try await measure(storage: nil)
        let bucket = "apus-ingest-" + UUID().uuidString.lowercased().prefix(12)
        let s3 = try await S3EndToEndTests.withBucket(bucket) { _ in
            try await measure(storage: "s3://\(bucket)/bench?endpoint=\(try S3EndToEndTests.endpoint())")
        }
        let count = Self.clients * Self.instancesPerClient
        let megabytes = Double(count * Self.pixelBytes) / 1_048_576
        func line(_ name: String, _ seconds: Double) -> String {
            String(
                format: "%@: %d instances of 512 KiB, %d clients, %.2f s, %.1f instances/s, %.1f MiB/s", name, count,
                Self.clients, seconds, Double(count) / seconds, megabytes / seconds)
        }
        print(line("ingest into files", files))
        print(line("ingest into S3 (moto_server)", s3))
        print(String(format: "S3 rate / files rate: %.0f%%", 100 * files / s3))
    }

    /// Seconds for every client to store its instances, each acknowledged as stored.
    func measure(storage: String?) async throws -> Double {
        let directory = try TemporaryDirectory()
        var seconds = 0.0
        try await Server.withRunning(
            dataDirectory: directory.path,
            configure: { configuration in
                if let storage {
                    try configuration.apply(key: "storage", value: storage, source: "test")
                    configuration.s3AccessKeyID = "apus-test"
                    configuration.s3SecretAccessKey = "apus-test-secret"
                }
            }
        ) { port in
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<Self.clients {
                    group.addTask { try await Self.storeInstances(client: client, port: port) }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - start
            seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        return seconds
    }

    static func storeInstances(client: Int, port: Int) async throws {
        let association = try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "BENCH\(client)", calledAETitle: "APUS",
            presentationContexts: [ProposedPresentationContext(abstractSyntax: .secondaryCaptureImageStorage)])
        let study = "2.25.\(UInt64.random(in: 1...UInt64.max))"
        for index in 0..<instancesPerClient {
            let uid = "\(study).\(client).\(index)"
            var dataSet = DataSet()
            dataSet.set(.sopClassUID, string: UID.secondaryCaptureImageStorage.rawValue)
            dataSet.set(.sopInstanceUID, string: uid)
            dataSet.set(.studyInstanceUID, string: study)
            dataSet.set(.seriesInstanceUID, string: "\(study).\(client)")
            dataSet.set(.patientID, string: "BENCH\(client)")
            dataSet.set(.modality, string: "OT")
            dataSet.insert(
                DataElement(
                    tag: .pixelData, vr: .OB,
                    bytes: ByteBuffer(repeating: UInt8(truncatingIfNeeded: index), count: pixelBytes)))
            let status = try await association.store(
                dataSet: try dataSet.encoded(in: .explicitVRLittleEndian), sopClass: .secondaryCaptureImageStorage,
                sopInstance: UID(unchecked: uid), transferSyntax: .explicitVRLittleEndian)
            #expect(status == .success)
        }
        try await association.release()
    }
}
