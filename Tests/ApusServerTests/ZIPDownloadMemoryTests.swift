import DICOM
import Foundation
import NIOCore
import Synchronization
import Testing

/// A 1 GiB study downloaded as ZIP (WADO-RS, Accept: application/zip) from the real
/// `apus serve`, with curl, twice: the server's anonymous memory (its heap), sampled from /proc
/// while the second archive streams, may grow by less than half of one instance (chunks are
/// held, never an instance, let alone the study), and the archive checks with unzip.
@Suite("ZIP download memory")
struct ZIPDownloadMemoryTests {
    static let instances = 16
    static let pixelBytes = 64 << 20
    static let study = "1.2.826.0.1.3680043.10.77"

    @Test func aGigabyteStudyStreamsInAFewMebibytes() async throws {
        let directory = try TemporaryDirectory()
        let incoming = directory.path + "/incoming"
        try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
        for number in 1...Self.instances { try Self.write(number, to: incoming) }
        let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/apus").path
        let imported = try await Tools.runDetached(binary, ["import", "--data", directory.path + "/data", incoming])
        #expect(imported.status == 0, "\(imported.output)")
        try FileManager.default.removeItem(atPath: incoming)

        let server = try ServerProcess(dataDirectory: directory.path + "/data")
        defer { server.terminate() }
        let ports = try await server.waitForPorts()
        server.discardOutput()
        let pid = server.process.processIdentifier
        let url = "http://127.0.0.1:\(ports.http)/dicom-web/studies/\(Self.study)"
        let archive = directory.path + "/study.zip"
        // A first download brings the allocator and the code of the path to their steady
        // state; what the second one adds is what a download holds while it streams.
        let first = try await Self.download(url, to: archive, sampling: pid)
        #expect(first.status == 0, "\(first.output)")
        let before = try Resident.of(pid)
        let second = try await Self.download(url, to: archive, sampling: pid)
        #expect(second.status == 0, "\(second.output)")
        let growth = max(0, second.peak.anonymous - before.anonymous)
        let figures = String(
            format: "%.0f MiB study: first %.1f s, second %.1f s; anonymous growth %.1f MiB",
            second.size / 1_048_576, first.seconds, second.seconds, Double(growth) / 1_048_576)
        print(
            "ZIP download of a \(figures); RSS peaks \(first.peak.described) then \(second.peak.described),"
                + " \(before.described) before the second (\(second.samples) samples)")
        #expect(second.size > Double(Self.instances * Self.pixelBytes))
        #expect(growth < Self.pixelBytes / 2, "the heap grew by \(growth >> 20) MiB")
        let test = try await Tools.runDetached("/usr/bin/unzip", ["-tq", archive])
        #expect(test.output.contains("No errors detected"), "\(test.output)")
    }

    /// Downloads the study as ZIP with curl while sampling the server's resident memory.
    static func download(_ url: String, to file: String, sampling pid: Int32) async throws -> (
        status: Int32, output: String, size: Double, seconds: Double, peak: Resident, samples: Int
    ) {
        async let download = Tools.runDetached(
            "/usr/bin/curl",
            ["-sf", "-H", "Accept: application/zip", "-o", file, "-w", "%{size_download} %{time_total}", url])
        let done = DoneFlag()
        async let sampled = peakResident(pid, until: { done.isSet })
        let result = try await download
        done.set()
        let peak = try await sampled
        let figures = result.output.split(separator: " ").compactMap { Double($0) }
        return (result.status, result.output, figures.first ?? 0, figures.last ?? 0, peak.resident, peak.samples)
    }

    /// A process's resident memory from /proc, in bytes: its heap and other anonymous pages,
    /// and the pages of files it maps (its code), which the kernel may drop and fault in again.
    struct Resident {
        var anonymous = 0
        var file = 0

        var total: Int { anonymous + file }

        static func of(_ pid: Int32) throws -> Resident {
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            func kibibytes(_ field: String) throws -> Int {
                guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
                    let value = line.split(separator: " ").compactMap({ Int($0) }).first
                else { throw Tools.ToolMissing(path: "\(field) in /proc/\(pid)/status") }
                return value * 1024
            }
            return Resident(anonymous: try kibibytes("RssAnon:"), file: try kibibytes("RssFile:"))
        }

        var described: String {
            String(format: "%.1f MiB (%.1f anonymous)", Double(total) / 1_048_576, Double(anonymous) / 1_048_576)
        }
    }

    /// The highest resident memory seen, each part on its own, sampled every 10 ms while the
    /// download runs.
    static func peakResident(_ pid: Int32, until finished: @escaping @Sendable () -> Bool) async throws -> (
        resident: Resident, samples: Int
    ) {
        var peak = Resident()
        var samples = 0
        let deadline = ContinuousClock.now + .seconds(900)
        while ContinuousClock.now < deadline, !finished() {
            let now = try Resident.of(pid)
            peak = Resident(anonymous: max(peak.anonymous, now.anonymous), file: max(peak.file, now.file))
            samples += 1
            try await Task.sleep(for: .milliseconds(10))
        }
        return (peak, samples)
    }

    /// One CT-like instance of `pixelBytes` of native pixel data.
    static func write(_ number: Int, to folder: String) throws {
        var dataSet = DataSet()
        dataSet.set(.sopClassUID, vr: .UI, string: "1.2.840.10008.5.1.4.1.1.7")
        dataSet.set(.sopInstanceUID, vr: .UI, string: "\(study).1.\(number)")
        dataSet.set(.studyInstanceUID, vr: .UI, string: study)
        dataSet.set(.seriesInstanceUID, vr: .UI, string: "\(study).1")
        dataSet.set(.patientID, vr: .LO, string: "MEM-1")
        dataSet.set(.patientName, vr: .PN, string: "MEMORY^TEST")
        dataSet.set(.modality, vr: .CS, string: "OT")
        dataSet.set(.instanceNumber, vr: .IS, string: String(number))
        dataSet.set(.samplesPerPixel, vr: .US, integers: [1])
        dataSet.set(.photometricInterpretation, vr: .CS, string: "MONOCHROME2")
        dataSet.set(.rows, vr: .US, integers: [4096])
        dataSet.set(.columns, vr: .US, integers: [pixelBytes / 4096 / 2])
        dataSet.set(.bitsAllocated, vr: .US, integers: [16])
        dataSet.set(.bitsStored, vr: .US, integers: [16])
        dataSet.set(.highBit, vr: .US, integers: [15])
        dataSet.set(.pixelRepresentation, vr: .US, integers: [0])
        var pixels = ByteBuffer()
        pixels.writeRepeatingByte(UInt8(number), count: pixelBytes)
        dataSet.set(.pixelData, vr: .OW, bytes: pixels)
        let bytes = try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: "\(folder)/\(number).dcm"))
    }
}

/// Set once, read from another task.
final class DoneFlag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { value.withLock { $0 } }

    func set() { value.withLock { $0 = true } }
}
